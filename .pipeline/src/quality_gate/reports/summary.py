"""The text people read: a table of verdicts, the output of every tool that did not pass, the table again."""

from __future__ import annotations

from collections.abc import Sequence

from ..findings import ToolResult, Verdict
from .text import printable

# Findings shown per tool on a terminal and as a Dagger function's result. CI logs are cut at a few MB (51,000
# findings made 6.9 MB): past the limit, one line says how many were left out, and the verdict stays last.
# The reports (Code Quality, JUnit, summary.txt) keep every finding.
DEFAULT_LIMIT = 200


def failing(results: Sequence[ToolResult]) -> list[ToolResult]:
    """The results that make the gate fail (cancelled tools are not failures of their own)."""
    return [r for r in results if r.verdict in {Verdict.FAILED, Verdict.BROKEN}]


def table(results: Sequence[ToolResult]) -> str:
    """Tool, verdict, number of findings, seconds, config: one line each; with a baseline, also new, known, fixed.

    The config column says which file each tool ran with: the project's own, or the gate's shipped one where
    the project has none (a project without .config/ runs on the shipped configuration alone).
    """
    baselined = any(result.fixed is not None for result in results)
    rows = [("tool", "verdict", "findings", *(("new", "known", "fixed") if baselined else ()), "seconds", "config")]
    for result in results:
        seconds = f"{result.seconds:.2f}" + (" (cached)" if result.cached else "")
        found = len(result.findings)
        standing = (str(len(result.new)), str(found - len(result.new)), str(result.fixed)) if baselined else ()
        if baselined and result.fixed is None:  # not reviewed: the tool did not run, or was stopped
            standing = ("-", "-", "-")
        rows.append((result.tool, result.verdict.value, str(found), *standing, seconds, result.config))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() for row in rows
    )


def single(result: ToolResult, limit: int | None = DEFAULT_LIMIT) -> str:
    """One tool's report: its output with at most `limit` findings (None: all), then its one-line verdict."""
    return printable(_section(result, limit))


def overall(results: Sequence[ToolResult], limit: int | None = DEFAULT_LIMIT) -> str:
    """The summary table, each failing tool's output (at most `limit` findings each), and the final verdict line.

    After the tools' output (1,885 lines on requests), the table comes again: the last lines say it all.
    """
    sections = [
        f"===== {result.tool} =====\n{_section(result, limit)}"
        for result in results
        if result.verdict in {Verdict.FAILED, Verdict.BROKEN} or (result.new and result.verdict is Verdict.PASSED)
    ]
    head = table(results)
    again = [head] if sections else []
    return printable("\n\n".join([head, *sections, *again, verdict_line(results)]))


def brief(results: Sequence[ToolResult]) -> str:
    """The table and the verdict line alone (--quiet)."""
    return printable(f"{table(results)}\n\n{verdict_line(results)}")


def finding_limit(text: str) -> int:
    """A number of findings to show, from the command line: 0 or more."""
    number = int(text)
    if number < 0:
        raise ValueError(f"{number} findings")
    return number


def _section(result: ToolResult, limit: int | None) -> str:
    return "\n".join(part for part in (result.outcome.shown(limit).rstrip(), result.outcome.headline) if part)


def verdict_line(results: Sequence[ToolResult]) -> str:
    """'gate passed: ...' or 'gate failed: ...' naming the failing tools."""
    bad = failing(results)
    if not bad:
        return f"gate passed: {', '.join(r.tool for r in results)} passed"
    names = ", ".join(f"{r.tool} ({r.verdict.value})" for r in bad)
    return f"gate failed: {names}"
