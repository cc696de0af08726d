"""The project's baseline: the findings it had when it adopted the gate, committed, so that only new ones fail.

A team adding the gate to a code base that exists today cannot fix 800 findings first. The baseline records
them, one entry per finding, and each check then fails only on findings it does not hold.

Entries are matched to findings without line numbers, as Code Quality fingerprints are: by what was found and
where (findings.identity(): tool, rule, file, message without its numbers), then by the content of the
finding's line and of the lines around it, so that lines inserted or removed elsewhere move nothing. Each
entry stands for one finding: two identical findings in a file need two entries. A finding that covers a
whole file (black's) is matched by its file alone and known while it changes no more lines than recorded.
"""

from __future__ import annotations

import hashlib
import itertools
import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from .findings import Finding, identity

FILE_NAME = "quality-baseline.json"  # in the configuration directory: committed with it
FORMAT = "quality-gate-baseline/1"
CONTEXT_LINES = 2  # non-blank lines above and below a finding that make its neighbourhood


class BaselineError(ValueError):
    """A baseline file that cannot be read: said in one line, with what to do."""


@dataclass(frozen=True, order=True)
class Entry:
    """One finding as the baseline keeps it: what and where, and how to find it again without its line number."""

    identity: tuple[str, ...]  # findings.identity(): tool, rule, then the file and message (numbers as #)
    line: str = ""  # digest of the finding's line, whitespace aside
    context: str = ""  # digest of the nearest non-blank lines above and below it
    size: int = 0  # a finding over a whole file: the lines it changes (Finding.extent); 0 otherwise

    @property
    def tool(self) -> str:
        """The tool that reported it."""
        return self.identity[0]


@dataclass(frozen=True)
class Baseline:
    """Every recorded finding, sorted; the same entry twice is two findings."""

    entries: tuple[Entry, ...]

    @classmethod
    def of(cls, entries: Iterable[Entry]) -> Baseline:
        """A baseline of these entries, in the file's order."""
        return cls(tuple(sorted(entries)))

    def per_tool(self) -> dict[str, int]:
        """How many entries each tool has."""
        counts: dict[str, int] = defaultdict(int)
        for entry in self.entries:
            counts[entry.tool] += 1
        return dict(counts)


def source_lines(text: str) -> list[str]:
    """A file's lines as the tools number them (a form feed or a Unicode separator does not end a line)."""
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def entry_for(finding: Finding, lines: Sequence[str]) -> Entry:
    """The entry of a finding in a file with these lines (empty when the file cannot be read)."""
    if finding.extent:
        return Entry(identity(finding), size=finding.extent)
    index = finding.line - 1
    here = _plain(lines[index]) if 0 <= index < len(lines) else ""
    # The nearest non-blank lines only: the walk stops after CONTEXT_LINES (a findings-heavy file is long).
    upward = (lines[number] for number in range(min(max(index, 0), len(lines)) - 1, -1, -1))  # no copy of the file
    above = list(itertools.islice(filter(None, map(_plain, upward)), CONTEXT_LINES))
    below = list(
        itertools.islice(filter(None, map(_plain, itertools.islice(lines, max(index + 1, 0), None))), CONTEXT_LINES)
    )
    return Entry(identity(finding), _digest(here), _digest("\n".join([*reversed(above), "\0", *below])))


def _plain(line: str) -> str:
    """The line without whitespace, which formatting changes (black's `a+b` and `a + b` are the same line)."""
    return "".join(line.split())


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]


# From the strictest to the loosest: the same line in the same place; the same line moved (lines inserted
# around it); the line itself edited in the same place; then anything left with the same identity, one for
# one (a message about the whole module, reported on line 1 whatever line 1 holds, after lines are inserted
# at the top; pylint's duplicate-code, reported in either of its files).
PASSES: tuple[Callable[[Entry], tuple[object, ...]], ...] = (
    lambda entry: (entry.identity, entry.line, entry.context),
    lambda entry: (entry.identity, entry.line),
    lambda entry: (entry.identity, entry.context),
    lambda entry: (entry.identity,),
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
    paired: list[Entry | None] = [None] * len(found)
    taken = [False] * len(committed)
    for key in PASSES:
        free: dict[tuple[object, ...], list[int]] = defaultdict(list)
        for position, entry in enumerate(committed):
            if not taken[position]:
                free[key(entry)].append(position)
        for index, entry in enumerate(found):
            candidates = free.get(key(entry))
            if paired[index] is None and candidates:
                position = candidates.pop(0)
                taken[position] = True
                paired[index] = committed[position]
    left = tuple(entry for position, entry in enumerate(committed) if not taken[position])
    return Comparison(tuple(found), tuple(paired), left)


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
    """The file: a header, then one entry per line, sorted, so that a change reviews as added and removed lines."""
    lines = [json.dumps(_fields(entry), ensure_ascii=False) for entry in baseline.entries]
    body = ",\n".join(f"    {line}" for line in lines)
    text = f'{{\n  "format": "{FORMAT}",\n  "entries": [\n{body}{chr(10) if lines else ""}  ]\n}}\n'
    # A file name that is not UTF-8 reaches findings as lone surrogates: written as JSON's own \udcXX escapes.
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def _fields(entry: Entry) -> dict[str, Any]:
    if entry.size:
        return {"identity": list(entry.identity), "size": entry.size}
    return {"identity": list(entry.identity), "line": entry.line, "context": entry.context}


def load(text: str | bytes, name: str) -> Baseline:
    """The baseline in a file's text (or bytes); a BaselineError naming the file and the problem when it is not one."""
    try:
        document = json.loads(_decoded(text))
        if not isinstance(document, dict) or document.get("format") != FORMAT:
            raise ValueError(f'no "format": "{FORMAT}"')
        entries = document.get("entries")
        if not isinstance(entries, list):
            raise ValueError('no "entries" list')
        return Baseline.of(_entry(item, number) for number, item in enumerate(entries, 1))
    except ValueError as error:  # json.JSONDecodeError is one
        raise BaselineError(
            f"{name} is not a quality-gate baseline ({error}); restore it from git, or record it anew "
            "with `baseline --reset`"
        ) from None


def _decoded(text: str | bytes) -> str:
    """The file's text; bytes that are not UTF-8 are a ValueError saying where (json.loads would guess)."""
    if isinstance(text, str):
        return text
    try:
        return text.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ValueError(f"not UTF-8 text: byte 0x{text[error.start]:02x} at offset {error.start}") from None


def _entry(item: object, number: int) -> Entry:
    """One entry of the file, checked field by field."""
    if not isinstance(item, dict) or not set(item) <= {"identity", "line", "context", "size"}:
        raise ValueError(f"entry {number} is not an object of identity, line, context or size")
    key, line, context, size = item.get("identity"), item.get("line", ""), item.get("context", ""), item.get("size", 0)
    if not (isinstance(key, list) and len(key) >= 3 and all(isinstance(part, str) for part in key)):
        raise ValueError(f"entry {number}: identity is not a list of tool, rule and where")
    if not (isinstance(line, str) and isinstance(context, str)):
        raise ValueError(f"entry {number}: line and context are not text")
    if not isinstance(size, int) or isinstance(size, bool) or size < 0:
        raise ValueError(f"entry {number}: size is not a number of lines")
    return Entry(tuple(key), line, context, size)
