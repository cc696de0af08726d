"""The project's baseline: the findings it had when it adopted the gate, committed, so that only new ones fail.

A team adding the gate to a code base that exists today cannot fix 800 findings first. The baseline records
them, one entry per finding, and each check then fails only on findings it does not hold.

Entries are matched to findings without line numbers, as Code Quality fingerprints are: by what was found
(findings.identity(): tool, rule, file, message without its numbers), the definition around it (anchors.py)
and the content of its line, whitespace aside. Lines inserted or removed elsewhere move nothing; the same
error in another function, or on a line with other code, is a new finding. The nearest lines around it only
tell apart identical findings. Each entry stands for one finding: two identical findings in a file need two
(written once, with their count). A finding about a whole module has no line of its own and is matched by
what was found alone; one that covers a whole file (black's) is known while it changes no more lines than
recorded.
"""

from __future__ import annotations

import hashlib
import itertools
import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from ..errors import QualityGateError
from ..findings import Finding, identity, paired

FILE_NAME = "quality-baseline.json"  # in the configuration directory: committed with it
FORMAT = "quality-gate-baseline/2"
# The first format matched a finding by its neighbours alone, or by its message alone: a new finding of a
# known kind passed as known. Its entries lack the definition around each finding, so they cannot be read.
OLD_FORMATS = ("quality-gate-baseline/1",)
CONTEXT_LINES = 2  # non-blank lines above and below a finding that make its neighbourhood
MOST_IDENTICAL = 100_000  # an entry's count: more identical findings than any file holds, fewer than exhaust memory


class BaselineError(QualityGateError):
    """A baseline file that cannot be read: said in one line, with what to do."""


@dataclass(frozen=True)
class Entry:
    """One finding as the baseline keeps it: what and where, and how to find it again without its line number."""

    identity: tuple[str, ...]  # findings.identity(): tool, rule, then the file and message (numbers as #)
    scope: str | None = ""  # the definition around its line ("" at top level); None: the file did not parse
    line: str = ""  # digest of the finding's line, whitespace aside ("" for a finding about the whole module)
    context: str = ""  # digest of the nearest non-blank lines above and below it
    size: int = 0  # a finding over a whole file: the lines it changes (Finding.extent); 0 otherwise

    @property
    def tool(self) -> str:
        """The tool that reported it."""
        return self.identity[0]

    def place(self) -> tuple[str | None, str]:
        """Where it lies, beside what was found, for it to be the same finding after unrelated edits: the definition
        around it and its line (whitespace aside). The baseline pairs by it; Code Quality fingerprints hash it."""
        return (self.scope, self.line)

    def order(self) -> tuple[object, ...]:
        """Where it goes in the file: by what, then where (an unparsed file's entries first)."""
        return (self.identity, self.scope is not None, self.scope or "", self.line, self.context, self.size)


@dataclass(frozen=True)
class Baseline:
    """Every recorded finding, sorted; the same entry twice is two findings."""

    entries: tuple[Entry, ...]
    repeated: int = 0  # lines of the file that repeated another entry, counted once (see load)

    @classmethod
    def of(cls, entries: Iterable[Entry], repeated: int = 0) -> Baseline:
        """A baseline of these entries, in the file's order."""
        return cls(tuple(sorted(entries, key=Entry.order)), repeated)

    def per_tool(self) -> dict[str, int]:
        """How many entries each tool has."""
        counts: dict[str, int] = defaultdict(int)
        for entry in self.entries:
            counts[entry.tool] += 1
        return dict(counts)


def source_lines(text: str) -> list[str]:
    """A file's lines as the tools number them (a form feed or a Unicode separator does not end a line)."""
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def entry_for(finding: Finding, lines: Sequence[str], scope: str | None = "") -> Entry:
    """The entry of a finding on a line in `scope` of a file with these lines (empty when it cannot be read)."""
    if finding.extent:
        return Entry(identity(finding), size=finding.extent)
    if finding.whole_module:
        return Entry(identity(finding))
    index = finding.line - 1
    here = _plain(lines[index]) if 0 <= index < len(lines) else ""
    # The nearest non-blank lines only: the walk stops after CONTEXT_LINES (a findings-heavy file is long).
    upward = (lines[number] for number in range(min(max(index, 0), len(lines)) - 1, -1, -1))  # no copy of the file
    above = list(itertools.islice(filter(None, map(_plain, upward)), CONTEXT_LINES))
    below = list(
        itertools.islice(filter(None, map(_plain, itertools.islice(lines, max(index + 1, 0), None))), CONTEXT_LINES)
    )
    return Entry(identity(finding), scope, _digest(here), _digest("\n".join([*reversed(above), "\0", *below])))


def _plain(line: str) -> str:
    """The line without whitespace, which formatting changes (black's `a+b` and `a + b` are the same line)."""
    return "".join(line.split())


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]


# What must be equal: what was found, in the same definition, on the same line (whitespace aside). The first
# pass also wants the same neighbours, so that of identical findings each is paired with its own entry.
PASSES: tuple[Callable[[Entry], tuple[object, ...]], ...] = (
    lambda entry: (entry.identity, *entry.place(), entry.context),
    lambda entry: (entry.identity, *entry.place()),
)


@dataclass(frozen=True)
class Comparison:
    """One tool's findings set against the baseline: the entry each is paired with, and the entries left over."""

    found: tuple[Entry, ...]  # the findings' own entries, in the order of the findings
    paired: tuple[Entry | None, ...]  # for each, the baseline's entry paired with it (None: not in the baseline)
    fixed: tuple[Entry, ...]  # the baseline's entries of this tool paired with no finding

    def known(self, index: int) -> bool:
        """Is the finding at this index in the baseline (and, over a whole file, no larger than recorded)?"""
        entry = self.paired[index]
        return entry is not None and entry.size >= self.found[index].size


def compare(committed: Sequence[Entry], found: Sequence[Entry]) -> Comparison:
    """Pair each found entry with one committed entry, pass by pass (see PASSES); each entry serves once."""
    pairs = paired(committed, found, PASSES)
    taken = set(pairs)
    left = tuple(entry for position, entry in enumerate(committed) if position not in taken)
    return Comparison(
        tuple(found), tuple(None if position is None else committed[position] for position in pairs), left
    )


def tightened(comparisons: Iterable[Comparison]) -> Baseline:
    """The baseline without its fixed entries, black's sizes lowered to what is left; nothing new is added."""
    kept = []
    for comparison in comparisons:
        for found, entry in zip(comparison.found, comparison.paired, strict=True):
            if entry is not None:
                kept.append(replace(entry, size=min(entry.size, found.size)) if entry.size else entry)
    return Baseline.of(kept)


def recorded(comparisons: Iterable[Comparison]) -> Baseline:
    """Every finding found, as a new baseline."""
    return Baseline.of(entry for comparison in comparisons for entry in comparison.found)


def render(baseline: Baseline) -> str:
    """The file: a header, then one entry per line, sorted, so that a change reviews as added and removed lines.

    Identical entries (identical findings: the same error twice on one line) are one line with their count.
    """
    lines = [
        json.dumps(_fields(entry, len(list(same))), ensure_ascii=False)
        for entry, same in itertools.groupby(baseline.entries)
    ]
    body = ",\n".join(f"    {line}" for line in lines)
    text = f'{{\n  "format": "{FORMAT}",\n  "entries": [\n{body}{chr(10) if lines else ""}  ]\n}}\n'
    # A file name that is not UTF-8 reaches findings as lone surrogates: written as JSON's own \udcXX escapes.
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def _fields(entry: Entry, count: int) -> dict[str, Any]:
    fields: dict[str, Any] = {"identity": list(entry.identity)}
    if entry.size:
        fields["size"] = entry.size
    else:
        fields.update(scope=entry.scope, line=entry.line, context=entry.context)
    if count > 1:
        fields["count"] = count
    return fields


def load(text: str | bytes, name: str) -> Baseline:
    """The baseline in a file's text (or bytes); a BaselineError naming the file and the problem when it is not one.

    A line that repeats another entry (two branches' files merged by hand) is counted once: the gate writes
    identical findings as one line with their count, so a repeat says nothing more, and counting it would let
    one more finding pass. `repeated` says how many there were.
    """
    try:
        document = json.loads(_decoded(text))
        written = document.get("format") if isinstance(document, dict) else None
        if written in OLD_FORMATS:
            raise BaselineError(
                f"{name} is in an earlier format ({written}), which could count a new finding as known; record it "
                "anew with `baseline --reset` on the commit that last changed it, so that it holds what it held"
            )
        if written != FORMAT:
            raise ValueError(f'no "format": "{FORMAT}"')
        items = document.get("entries")
        if not isinstance(items, list):
            raise ValueError('no "entries" list')
        entries: dict[Entry, int] = {}  # each entry and its count, the first line of it wins
        for number, item in enumerate(items, 1):
            entry, count = _entry(item, number)
            entries.setdefault(entry, count)
        repeated = len(items) - len(entries)
        return Baseline.of((entry for entry, count in entries.items() for _ in range(count)), repeated)
    except BaselineError:
        raise
    except ValueError as error:  # json.JSONDecodeError is one
        raise BaselineError(
            f"{name} is not a quality-gate baseline ({error}); restore it from git, or record it anew "
            "with `baseline --reset`"
        ) from None


def repeats_note(baseline: Baseline, name: str) -> str | None:
    """What to say when the file repeats entries (see load): they count once, and `baseline` writes it again."""
    if not baseline.repeated:
        return None
    lines = "an entry" if baseline.repeated == 1 else f"{baseline.repeated} entries"
    return f"note: {name} repeats {lines} (counted once); run `baseline` to write it without repeats"


def _decoded(text: str | bytes) -> str:
    """The file's text; bytes that are not UTF-8 are a ValueError saying where (json.loads would guess)."""
    if isinstance(text, str):
        return text
    try:
        return text.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ValueError(f"not UTF-8 text: byte 0x{text[error.start]:02x} at offset {error.start}") from None


def _entry(item: object, number: int) -> tuple[Entry, int]:
    """One entry of the file and its count, checked field by field."""
    fields = {"identity", "scope", "line", "context", "size", "count"}
    if not isinstance(item, dict) or not set(item) <= fields:
        raise ValueError(f"entry {number} is not an object of {', '.join(sorted(fields))}")
    key, scope, size, count = item.get("identity"), item.get("scope", ""), item.get("size", 0), item.get("count", 1)
    line, context = item.get("line", ""), item.get("context", "")
    if not (isinstance(key, list) and len(key) >= 3 and all(isinstance(part, str) for part in key)):
        raise ValueError(f"entry {number}: identity is not a list of tool, rule and where")
    if not (isinstance(scope, str) or scope is None):
        raise ValueError(f"entry {number}: scope is neither a name nor null")
    if not (isinstance(line, str) and isinstance(context, str)):
        raise ValueError(f"entry {number}: line and context are not text")
    if not _whole_number(size, 0):
        raise ValueError(f"entry {number}: size is not a number of lines")
    if not _whole_number(count, 1) or count > MOST_IDENTICAL:
        raise ValueError(f"entry {number}: count is not a number of findings (1 to {MOST_IDENTICAL:,})")
    return Entry(tuple(key), scope, line, context, size), count


def _whole_number(value: object, least: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= least
