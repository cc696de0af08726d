"""ruff check (linting only; black is the formatter) with JSON output and no fixing."""

from __future__ import annotations

from typing import Any

from ..execution import Execution, Layout
from ..findings import Finding, Listing, count
from .base import Check, OutputError, load_json, position, relative, unrooted
from .config import toml_lacks


class Ruff(Check):
    """ruff check with the gate's pyproject.toml; --no-fix whatever the config says."""

    name = "ruff"
    module = "ruff"
    cache_variable = "RUFF_CACHE_DIR"
    priority = 1
    config_file = "pyproject.toml"

    def arguments(self, layout: Layout) -> list[str]:
        return [
            "check",
            "--config",
            self.config_path(layout),
            "--output-format=json",
            "--no-fix",
            "--",
            layout.source,
        ]

    def config_problem(self, text: str) -> str | None:
        return toml_lacks(text, "tool", "ruff")

    def parse(self, execution: Execution, layout: Layout) -> list[Finding]:
        report = load_json(execution.stdout)
        if not isinstance(report, list):
            raise OutputError("ruff's JSON output is not a list")
        return [_finding(entry, layout) for entry in report]

    def broken_reason(self, execution: Execution, findings: list[Finding], layout: Layout) -> str:
        """ruff's chain of causes, innermost last, and its final message without the list of every valid key."""
        lines = [line.strip() for line in execution.stderr.splitlines() if line.strip()]
        causes = [line.removeprefix("Cause: ") for line in lines if line.startswith("Cause: ")]
        if not causes:
            return super().broken_reason(execution, findings, layout)
        last = [] if lines[-1].startswith("Cause: ") else [lines[-1].split(", expected one of")[0]]
        return unrooted(" | ".join([*causes[-2:], *last]), layout)

    def render(self, findings: list[Finding], execution: Execution, layout: Layout) -> Listing:
        del execution, layout
        entries = tuple(f"{position(f)}: {f.rule}{' [*]' if f.fixable else ''} {f.message}" for f in findings)
        fixable = sum(f.fixable for f in findings)
        notes = [f"Found {count(len(findings), 'error')}."] if findings else []
        if fixable:
            notes.append(f"[*] {fixable} fixable with `fix`.")
        return Listing(entries, "\n".join(notes))


def _finding(entry: Any, layout: Layout) -> Finding:
    try:
        location = entry["location"]
        fix = entry.get("fix")
        return Finding(
            path=relative(str(entry["filename"]), layout),
            line=max(1, int(location["row"])),
            column=max(1, int(location["column"])),
            tool="ruff",
            rule=str(entry.get("code") or "syntax-error"),
            message=str(entry["message"]),
            severity=str(entry.get("severity") or "error"),
            fixable=isinstance(fix, dict) and fix.get("applicability") == "safe",
        )
    except (KeyError, TypeError, ValueError) as error:
        raise OutputError(f"unexpected ruff entry {entry!r}: {error!r}") from None
