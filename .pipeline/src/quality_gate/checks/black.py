"""black in check mode: it has no machine format, so its status lines and diff are read."""

from __future__ import annotations

import re

from ..execution import Execution, Layout
from ..findings import Finding, Verdict
from .base import Check, relative, unrooted
from .config import toml_lacks

WOULD_REFORMAT = re.compile(r"^would reformat (?P<path>.+)$", re.MULTILINE)
DIFF_HEADER = re.compile(r"^--- (?P<path>.+?)\t", re.MULTILINE)
HUNK = re.compile(r"^@@ -(?P<line>\d+).*\n(?P<context>(?: .*\n)*)", re.MULTILINE)
ERROR_LINE = re.compile(r"^error: .+$", re.MULTILINE)
# black warns about keys it does not know and goes on with its defaults for them: the config is not applied.
INVALID_KEYS = re.compile(r"^Invalid config keys detected: .+$", re.MULTILINE)


class Black(Check):
    """black --check --diff with the gate's black.toml: it reports, it never rewrites."""

    name = "black"
    module = "black"
    cache_variable = "BLACK_CACHE_DIR"
    priority = 3
    workers_variable = "BLACK_NUM_WORKERS"  # as many workers as CPUs it was given
    config_file = "black.toml"

    def arguments(self, layout: Layout) -> list[str]:
        # --fast skips the safety checks (an AST comparison and a second formatting pass) that black runs only
        # on files it would change, to guard the rewrite; nothing is rewritten here, and a file it would change
        # fails either way: the verdict and the diff are the same, at about half black's CPU time on such trees.
        return ["--check", "--diff", "--fast", "--config", self.config_path(layout), "--", layout.source]

    def config_problem(self, text: str) -> str | None:
        return toml_lacks(text, "tool", "black")

    def parse(self, execution: Execution, layout: Layout) -> list[Finding]:
        first_lines = _first_changed_lines(execution.stdout, layout)
        findings = []
        for match in WOULD_REFORMAT.finditer(execution.stderr):
            path = relative(match["path"].strip(), layout)
            line = first_lines.get(path, 1)
            findings.append(Finding(path, line, 1, "black", "unformatted", "would reformat", "style", fixable=True))
        return findings

    def review(self, verdict: Verdict, findings: list[Finding], execution: Execution, layout: Layout) -> Verdict:
        """A key black does not know in black.toml: it ran without part of the configuration."""
        if INVALID_KEYS.search(execution.stderr):
            return Verdict.BROKEN
        return super().review(verdict, findings, execution, layout)

    def broken_reason(self, execution: Execution, findings: list[Finding], layout: Layout) -> str:
        errors = ERROR_LINE.findall(execution.stderr) or INVALID_KEYS.findall(execution.stderr)
        if errors:
            reason = " | ".join(error.removeprefix("error: ") for error in errors[:3])
            return unrooted(reason, layout)
        return super().broken_reason(execution, findings, layout)

    def render(self, findings: list[Finding], execution: Execution, layout: Layout) -> str:
        del findings
        text = "\n".join(part.rstrip("\n") for part in (execution.stdout, execution.stderr) if part.strip())
        return unrooted(text, layout)


def _first_changed_lines(diff: str, layout: Layout) -> dict[str, int]:
    """The first line black would change in each file: its first hunk's start, after the unchanged context."""
    lines: dict[str, int] = {}
    headers = list(DIFF_HEADER.finditer(diff))
    for index, header in enumerate(headers):
        end = headers[index + 1].start() if index + 1 < len(headers) else len(diff)
        hunk = HUNK.search(diff, header.end(), end)
        first = int(hunk["line"]) + hunk["context"].count("\n") if hunk else 1
        lines[relative(header["path"], layout)] = max(1, first)
    return lines
