"""mypy with JSON Lines output: errors are findings, notes explain them, exit 2 means it could not run."""

from __future__ import annotations

import json
from typing import Any

from ..execution import Execution, Layout
from ..findings import Finding, Listing, Verdict, count
from .base import Check, OutputError, last_lines, position, relative
from .config import ini_lacks


class Mypy(Check):
    """mypy with the gate's mypy.ini; its cache lives outside the source."""

    name = "mypy"
    module = "mypy"
    cache_variable = "MYPY_CACHE_DIR"
    priority = 2
    config_file = "mypy.ini"

    def arguments(self, layout: Layout) -> list[str]:
        return ["--config-file", self.config_path(layout), "--output", "json", "--", layout.source]

    def config_problem(self, text: str) -> str | None:
        return ini_lacks(text, "mypy")

    def parse(self, execution: Execution, layout: Layout) -> list[Finding]:
        findings: list[Finding] = []
        for line in execution.stdout.splitlines():
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                raise OutputError(f"not a JSON line: {line[:120]!r}") from None
            if isinstance(record, dict) and record.get("severity") == "error":
                findings.append(_finding(record, layout))
        return findings

    def review(self, verdict: Verdict, findings: list[Finding], execution: Execution, layout: Layout) -> Verdict:
        """mypy warns about a bad mypy.ini on stderr and goes on with exit 0: that is a tool that could not run."""
        if self._config_problems(execution, layout):
            return Verdict.BROKEN
        return super().review(verdict, findings, execution, layout)

    def broken_reason(self, execution: Execution, findings: list[Finding], layout: Layout) -> str:
        problems = self._config_problems(execution, layout)
        if problems:
            return " | ".join(problems[:3])
        if findings:
            return "; ".join(f"{position(f)}: {f.message} [{f.rule}]" for f in findings[:3])
        return last_lines(execution.stderr) or last_lines(execution.stdout) or f"exit code {execution.exit_code}"

    def _config_problems(self, execution: Execution, layout: Layout) -> list[str]:
        """The lines of stderr in which mypy names its own configuration file."""
        prefix = self.config_path(layout) + ":"
        return [line.strip() for line in execution.stderr.splitlines() if line.startswith(prefix)]

    def render(self, findings: list[Finding], execution: Execution, layout: Layout) -> Listing:
        del execution, layout
        entries = tuple(f"{position(f)}: error: {f.message}  [{f.rule}]" for f in findings)
        files = len({f.path for f in findings})
        return Listing(entries, f"Found {count(len(findings), 'error')} in {count(files, 'file')}" if findings else "")


def _finding(record: dict[str, Any], layout: Layout) -> Finding:
    try:
        hint = record.get("hint")
        message = str(record["message"]) + (f" ({hint})" if hint else "")
        return Finding(
            path=relative(str(record["file"]), layout),
            line=max(1, int(record["line"])),
            column=int(record.get("column") or 0) + 1,
            tool="mypy",
            rule=str(record.get("code") or "error"),
            message=message,
            severity="error",
        )
    except (KeyError, TypeError, ValueError) as error:
        raise OutputError(f"unexpected mypy record {record!r}: {error!r}") from None
