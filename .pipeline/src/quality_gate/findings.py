"""The shape every tool's result is reduced to, so runners and reports never see tool specifics."""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field

# Numbers in a message often count or point at lines ("(1234/1000)", "line 12"): an edit above moves them.
NUMBER = re.compile(r"\d+")


class Verdict(enum.Enum):
    """How one tool's run ended, from the user's point of view."""

    PASSED = "passed"
    FAILED = "failed"
    BROKEN = "could not run"
    CANCELLED = "cancelled"


@dataclass(frozen=True, order=True)
class Finding:  # pylint: disable=too-many-instance-attributes  # a plain record, one field per column
    """One problem a tool reported; positions are 1-based, paths relative to the working directory."""

    path: str
    line: int
    column: int
    tool: str
    rule: str
    message: str
    severity: str
    fixable: bool = False
    # What identifies the finding across runs when its path and message do not (set by the check):
    # report fingerprints hash it instead of the path and the message.
    identity: str = field(default="", compare=False)


@dataclass(frozen=True)
class Outcome:
    """What a check made of one execution of its tool."""

    verdict: Verdict
    findings: tuple[Finding, ...]
    output: str
    headline: str


@dataclass(frozen=True)
class ToolResult:
    """An outcome with its timing, as run-all and the reports consume it."""

    tool: str
    outcome: Outcome
    exit_code: int | None
    started: float
    seconds: float
    cached: bool = field(default=False, compare=False)

    @property
    def verdict(self) -> Verdict:
        """The outcome's verdict, for brevity at call sites."""
        return self.outcome.verdict

    @property
    def findings(self) -> tuple[Finding, ...]:
        """The outcome's findings, for brevity at call sites."""
        return self.outcome.findings


def identity(finding: Finding) -> tuple[str, ...]:
    """What was found and where (file, not line), without the numbers an unrelated edit changes.

    Equal for the same finding before and after lines move: the key of fingerprints and of comparisons.
    """
    where_what = (finding.identity,) if finding.identity else (finding.path, finding.message)
    return (finding.tool, finding.rule, *(NUMBER.sub("#", part) for part in where_what))


def headline(tool: str, verdict: Verdict, detail: str) -> str:
    """One line that says how a tool ended, worded the same for every tool."""
    if verdict is Verdict.BROKEN:
        return f"{tool} could not run: {detail}"
    return f"{tool} {verdict.value}: {detail}" if detail else f"{tool} {verdict.value}"


def count(number: int, noun: str) -> str:
    """'1 finding', '3 findings'."""
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"
