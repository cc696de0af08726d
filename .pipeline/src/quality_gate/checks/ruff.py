"""ruff check (linting only; black is the formatter) with JSON output and no fixing."""

from __future__ import annotations

from typing import Any

from ..commands import Execution, Layout, Tool
from ..findings import Finding, Listing, count
from .base import (
    Check,
    Reading,
    Rewrite,
    UnreadableOutputError,
    exit_code_verdict,
    hidden_glob,
    load_json,
    relative,
    unreadable,
    unrooted,
)
from .config import toml_lacks

# ruff's rule families that point at bugs rather than style (pyflakes, bugbear, syntax-level pycodestyle).
MAJOR_PREFIXES = ("F", "B", "E9")
SYNTAX_RULES = frozenset({"invalid-syntax", "syntax-error"})
# Rules about a file as a whole (its name, its first or last line, reading it), whatever its lines hold.
WHOLE_MODULE = frozenset({"A005", "N999", "W292", "E902", "D100", "D104", "CPY001", "INP001"})


class Ruff(Check):
    """ruff check with the gate's pyproject.toml; --no-fix whatever the config says."""

    tool = Tool(
        "ruff", "ruff", "RUFF_CACHE_DIR", "pyproject.toml", priority=1, variables=("RUFF_",), cache_folder=".ruff_cache"
    )
    homepage = "https://docs.astral.sh/ruff/"
    function = "ruff"
    # First (it may reorder or rewrite code). It exits 1 when findings that it cannot fix remain: the fix itself
    # still succeeded. Only its safe fixes are applied, and the shipped configuration makes the ones that can
    # change a module's names or behaviour unfixable.
    rewrite = Rewrite(("check", "--fix", "--output-format=concise"), frozenset({0, 1}), order=0)

    def arguments(self, layout: Layout) -> list[str]:
        return [
            "check",
            "--config",
            self.config_path(layout),
            "--output-format=json",
            "--no-fix",
            f"--extend-exclude={hidden_glob(layout.source)}",  # added to the config's own
            "--",
            layout.source,
        ]

    def config_problem(self, text: str) -> str | None:
        return toml_lacks(text, "tool", "ruff")

    def read(self, execution: Execution, layout: Layout) -> Reading:
        verdict = exit_code_verdict(execution.exit_code)
        reason = _causes(execution.stderr, layout)
        try:
            report = load_json(execution.stdout)
            if not isinstance(report, list):
                raise UnreadableOutputError("ruff's JSON output is not a list")
            findings = [_finding(entry, layout) for entry in report]
        except UnreadableOutputError as error:
            return unreadable(verdict, error, reason)
        entries = tuple(f"{f.position}: {f.rule}{' [*]' if f.fixable else ''} {f.message}" for f in findings)
        fixable = sum(f.fixable for f in findings)
        notes = [f"Found {count(len(findings), 'error')}."] if findings else []
        if fixable:
            notes.append(f"[*] {fixable} fixable with `fix`.")
        return Reading(verdict, findings, Listing(entries, "\n".join(notes)), reason)


def _causes(stderr: str, layout: Layout) -> str:
    """ruff's chain of causes, innermost last, and its final message without the list of every valid key."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    causes = [line.removeprefix("Cause: ") for line in lines if line.startswith("Cause: ")]
    if not causes:
        return ""
    last = [] if lines[-1].startswith("Cause: ") else [lines[-1].split(", expected one of")[0]]
    return unrooted(" | ".join([*causes[-2:], *last]), layout)


def _finding(entry: Any, layout: Layout) -> Finding:
    try:
        location, end = entry["location"], entry.get("end_location") or {}
        fix = entry.get("fix")
        rule = str(entry.get("code") or "syntax-error")
        url = str(entry.get("url") or "")  # its rule's page, named after the rule: none for a syntax error
        return Finding(
            path=relative(str(entry["filename"]), layout),
            line=max(1, int(location["row"])),
            column=max(1, int(location["column"])),
            tool="ruff",
            rule=rule,
            message=str(entry["message"]),
            severity="blocker" if rule in SYNTAX_RULES else "major" if rule.startswith(MAJOR_PREFIXES) else "minor",
            fixable=isinstance(fix, dict) and fix.get("applicability") == "safe",
            whole_module=rule in WHOLE_MODULE,
            end_line=int(end.get("row") or 0),  # 1-based, the column just after the end, as SARIF counts
            end_column=int(end.get("column") or 0),
            rule_name=url.rstrip("/").rsplit("/", 1)[-1] if url else "",
            help_uri=url,
        )
    except (KeyError, TypeError, ValueError) as error:
        raise UnreadableOutputError(f"unexpected ruff entry {entry!r}: {error!r}") from None
