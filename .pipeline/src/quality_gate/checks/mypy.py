"""mypy with JSON Lines output: errors are findings, notes explain them, exit 2 means it could not run."""

from __future__ import annotations

import json
from typing import Any

from ..commands import Execution, Layout, Tool
from ..findings import Finding, Listing, Verdict, count
from .base import Check, Reading, UnreadableOutputError, exit_code_verdict, path_pattern, relative, unreadable
from .config import ini_lacks

# Where each error code is documented: the address mypy itself links to (its --show-error-code-links).
HELP = "https://mypy.rtfd.io/en/stable/_refs.html#code-{code}"


class Mypy(Check):
    """mypy with the gate's mypy.ini; its cache lives outside the source, one per set of files."""

    tool = Tool(
        "mypy",
        "mypy",
        "MYPY_CACHE_DIR",
        "mypy.ini",
        priority=2,
        cache_per_file_set=True,
        variables=("MYPY",),
        cache_folder=".mypy_cache",
    )
    homepage = "https://mypy.readthedocs.io/"
    function = "mypy"

    def arguments(self, layout: Layout) -> list[str]:
        # An --exclude adds to the config's own patterns; mypy does not read .gitignore.
        ignored = [f"--exclude={path_pattern(layout.ignored)}"] if layout.ignored else []
        return ["--config-file", self.config_path(layout), "--output", "json", *ignored, "--", layout.source]

    def config_problem(self, text: str) -> str | None:
        return ini_lacks(text, "mypy")

    def read(self, execution: Execution, layout: Layout) -> Reading:
        verdict = exit_code_verdict(execution.exit_code)
        try:
            found = sorted(_findings(execution.stdout, layout), key=lambda pair: pair[0])
        except UnreadableOutputError as error:
            return unreadable(verdict, error, "")
        findings = [finding for finding, _ in found]
        # mypy warns about a bad mypy.ini on stderr and goes on with exit 0: a tool that could not run.
        prefix = self.config_path(layout) + ":"
        config_problems = [line.strip() for line in execution.stderr.splitlines() if line.startswith(prefix)]
        if config_problems:
            reason = " | ".join(config_problems[:3])
        else:
            reason = "; ".join(f"{f.position}: {f.message} [{f.rule}]" for f in findings[:3])
        entries = tuple(
            f"{f.position}: error: {f.message}  [{f.rule}]" + (f"\n{f.position}: note: {hint}" if hint else "")
            for f, hint in found
        )
        files = len({f.path for f in findings})
        totals = f"Found {count(len(findings), 'error')} in {count(files, 'file')}" if findings else ""
        return Reading(Verdict.BROKEN if config_problems else verdict, findings, Listing(entries, totals), reason)


def _findings(stdout: str, layout: Layout) -> list[tuple[Finding, str]]:
    """Each error of mypy's JSON lines, with its hint (notes explain errors, they are not findings of their own).

    The hint is kept out of the finding: which missing imports get mypy's "See https://..." changes with its
    cache and with edits to other files. In the message it would make a known finding new (the baseline) and
    move its fingerprint (the Code Quality report); the listing shows it as mypy does, a note under the error.
    """
    findings: list[tuple[Finding, str]] = []
    for line in stdout.splitlines():
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            raise UnreadableOutputError(f"not a JSON line: {line[:120]!r}") from None
        if isinstance(record, dict) and record.get("severity") == "error":
            findings.append(_finding(record, layout))
    return findings


def _finding(record: dict[str, Any], layout: Layout) -> tuple[Finding, str]:
    try:
        code = record.get("code")
        finding = Finding(
            path=relative(str(record["file"]), layout),
            line=max(1, int(record["line"])),
            column=int(record.get("column") or 0) + 1,
            tool="mypy",
            rule=str(code or "error"),
            message=str(record["message"]),
            severity="blocker" if code == "syntax" else "major",
            end_line=max(0, int(record.get("end_line") or 0)),
            end_column=_end_column(record.get("end_column")),
            help_uri=HELP.format(code=code) if code else "",
        )
        return finding, str(record.get("hint") or "")
    except (KeyError, TypeError, ValueError) as error:
        raise UnreadableOutputError(f"unexpected mypy record {record!r}: {error!r}") from None


def _end_column(column: object) -> int:
    """mypy's end column (0-based like its start, just after the end) 1-based; 0 when it gives none (-1)."""
    return int(column) + 1 if isinstance(column, int) and column >= 0 else 0
