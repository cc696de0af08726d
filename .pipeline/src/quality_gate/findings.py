"""The shape every tool's result is reduced to, so runners and reports never see tool specifics."""

from __future__ import annotations

import enum
import re
from collections import defaultdict, deque
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

# Numbers in a message often count or point at lines ("(1234/1000)", "line 12"): an edit above moves them.
NUMBER = re.compile(r"\d+")

Item = TypeVar("Item")

# Lines of one finding shown when the output is shortened: enough for the start of a file's diff.
ENTRY_LINES = 25


# What a command's exit code says, for every command of the local front door (check, run-all, report, fix).
EXIT_PASSED, EXIT_FINDINGS, EXIT_BROKEN = 0, 1, 2


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
    # How bad it is, in GitLab's words (info, minor, major, critical, blocker), and what kind it is, in Code
    # Climate's (Bug Risk, Complexity, Style): set by each check, so reports never name a tool or its words.
    severity: str
    category: str = "Bug Risk"
    fixable: bool = False
    # What identifies the finding across runs when its path and message do not (set by the check):
    # report fingerprints hash it instead of the path and the message.
    identity: str = field(default="", compare=False)
    # For a finding that covers a whole file (black's diff): how many lines it changes. A baseline accepts
    # the file up to that many; 0 for a finding at one place, which a baseline finds by its line's content.
    extent: int = field(default=0, compare=False)
    # About the module as a whole (its docstring, its length, its name, an import cycle), set by the check: it
    # has no line of its own, so a baseline and fingerprints know it by its file and message alone.
    whole_module: bool = field(default=False, compare=False)
    # Where it lies, in terms that survive lines moving (its enclosing definition and its line's content, see
    # baseline/anchors.py and baseline/file.py): set once its file has been read; fingerprints hash it with identity().
    anchor: tuple[str, ...] = field(default=(), compare=False)
    # In the project's baseline (set by its review): still reported, but it does not fail the gate.
    known: bool = field(default=False, compare=False)
    # Where it ends, when the tool says: the line, and the column just after it (1-based); 0 when not said.
    end_line: int = field(default=0, compare=False)
    end_column: int = field(default=0, compare=False)
    # What the tool tells of its rule besides its id: a name (pylint's symbol, ruff's rule name; "" when the id
    # is the name) and the address of its documentation (ruff gives it; the others' documented patterns).
    rule_name: str = field(default="", compare=False)
    help_uri: str = field(default="", compare=False)

    @property
    def position(self) -> str:
        """`path:line:column`, the form editors and terminals link to."""
        return f"{self.path}:{self.line}:{self.column}"


@dataclass(frozen=True)
class Listing:
    """A tool's output cut per finding, so that a terminal can show the first N and still end with the totals.

    CI logs are cut at a few MB: 51,000 findings printed in full would push the verdict out of the log. One
    finding can be long too (black's diff of a whole file), so a shortened listing also cuts long entries.
    """

    entries: tuple[str, ...]  # one text per finding, in the order of the outcome's findings
    notes: str = ""  # what the tool says after them: its totals, its warnings, its errors

    def text(self, limit: int | None = None) -> str:
        """The first `limit` entries, each cut to ENTRY_LINES lines, then how many were left out, then the notes.

        With no limit, everything.
        """
        shown = list(self.entries) if limit is None else [_cut(entry) for entry in self.entries[:limit]]
        left_out = len(self.entries) - len(shown)
        more = f"... and {count(left_out, 'more finding')} not shown: the reports list them all" if left_out else ""
        return joined(*shown, more, self.notes)


def joined(*parts: str) -> str:
    """The non-empty parts, one after the other, each on its own lines."""
    return "\n".join(part.rstrip("\n") for part in parts if part.strip())


def _cut(entry: str) -> str:
    """The entry's first ENTRY_LINES lines, and how many more it has."""
    lines = entry.rstrip("\n").split("\n")
    if len(lines) <= ENTRY_LINES:
        return entry
    return "\n".join(
        [*lines[:ENTRY_LINES], f"... {count(len(lines) - ENTRY_LINES, 'more line')} of this finding not shown"]
    )


@dataclass(frozen=True)
class Outcome:
    """What a check made of one execution of its tool."""

    verdict: Verdict
    findings: tuple[Finding, ...]
    output: str  # everything, as the reports keep it
    headline: str
    listing: Listing | None = None  # the same output cut per finding; None when it holds no findings to cut

    @classmethod
    def ended(  # pylint: disable=too-many-arguments,too-many-positional-arguments  # an outcome's parts, in order
        cls,
        tool: str,
        verdict: Verdict,
        detail: str,
        findings: tuple[Finding, ...] = (),
        output: str = "",
        listing: Listing | None = None,
    ) -> Outcome:
        """How the tool ended, its headline said from the same verdict: every outcome is made here."""
        return cls(verdict, findings, output, _headline(tool, verdict, detail), listing)

    def shown(self, limit: int | None = None) -> str:
        """The output with at most `limit` findings (None: all of them)."""
        return self.output if self.listing is None else self.listing.text(limit)


@dataclass(frozen=True)
class ToolResult:  # pylint: disable=too-many-instance-attributes  # one run's facts, each read by a report
    """An outcome with its timing, as run-all and the reports consume it."""

    tool: str
    outcome: Outcome
    exit_code: int | None
    started: float
    seconds: float
    cached: bool = field(default=False, compare=False)
    fixed: int | None = field(default=None, compare=False)  # baseline entries no longer found; None: no baseline
    config: str = field(default="", compare=False)  # the configuration file the tool ran with, as the user knows it

    @property
    def verdict(self) -> Verdict:
        """The outcome's verdict, for brevity at call sites."""
        return self.outcome.verdict

    @property
    def findings(self) -> tuple[Finding, ...]:
        """The outcome's findings, for brevity at call sites."""
        return self.outcome.findings

    @property
    def new(self) -> tuple[Finding, ...]:
        """The findings the project's baseline does not know (all of them without a baseline)."""
        return tuple(finding for finding in self.findings if not finding.known)


def identity(finding: Finding) -> tuple[str, ...]:
    """What was found and where (file, not line), without the numbers an unrelated edit changes.

    Equal for the same finding before and after lines move: with the finding's anchor, the key of fingerprints
    and of the baseline's entries.
    """
    where_what = (finding.identity,) if finding.identity else (finding.path, finding.message)
    return (finding.tool, finding.rule, *(NUMBER.sub("#", part) for part in where_what))


# The local runner supports Python 3.11, which has no type parameter syntax (PEP 695).
def paired(  # noqa: UP047
    earlier: Sequence[Item], later: Sequence[Item], keys: Sequence[Callable[[Item], Hashable]]
) -> list[int | None]:
    """For each later item, the position of the earlier one it is the same finding as, or None when it is new.

    One for one: each earlier item serves once, so a second identical finding is new. Pass by pass, by these
    keys (the strictest first), so that of identical findings each is paired with its own earlier one.
    """
    pairs: list[int | None] = [None] * len(later)
    taken = [False] * len(earlier)
    for key in keys:
        free: dict[Hashable, deque[int]] = defaultdict(deque)
        for position, item in enumerate(earlier):
            if not taken[position]:
                free[key(item)].append(position)
        for index, item in enumerate(later):
            candidates = free.get(key(item))
            if pairs[index] is None and candidates:
                position = candidates.popleft()
                taken[position] = True
                pairs[index] = position
    return pairs


def _headline(tool: str, verdict: Verdict, detail: str) -> str:
    """One line that says how a tool ended, worded the same for every tool."""
    if verdict is Verdict.BROKEN:
        return f"{tool} could not run: {detail}"
    return f"{tool} {verdict.value}: {detail}" if detail else f"{tool} {verdict.value}"


def count(number: int, noun: str) -> str:
    """'1 finding', '3 findings'."""
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def exit_code(results: Sequence[ToolResult]) -> int:
    """2 when any tool could not run, 1 when any found something, else 0."""
    verdicts = {result.verdict for result in results}
    if Verdict.BROKEN in verdicts:
        return EXIT_BROKEN
    return EXIT_FINDINGS if Verdict.FAILED in verdicts else EXIT_PASSED
