"""duplicate-code without comparing every pair of modules: pylint's own comparison, of the pairs that can match,
its answers remembered within a bound that grows with the lines, not with the pairs.

SimilaritiesChecker.close() compares every pair of LineSets: on 2,000 small modules, two million comparisons,
half of a full run. `_find_common` hashes windows of min-similarity-lines consecutive lines; a couple of window
starts is kept for each hash both LineSets hold, couples that follow each other are merged (each merge counts one
line more), and a similarity is yielded only when more than min-similarity-lines lines are common. No merge is
possible unless the two LineSets hold the same two consecutive window hashes (windows at i and i+1 in one, j and
j+1 in the other), so a pair that shares no such couple of hashes yields nothing. Each LineSet is hashed once, as
pylint does; an index from each couple of consecutive window hashes to the LineSets holding it gives the pairs
that share one, and only those go through `_find_common`, in pylint's order.

What `_find_common` yields for a pair depends only on the two LineSets and min-similarity-lines (in the run's
key), so the answers for such pairs are kept for the next run, under the digests of the two LineSets: an edit
then compares only its own module's pairs (rich: 3,672 of its 4,950 pairs share a couple of windows, and
comparing them took a third of a leaf edit's run). They are kept only while there are no more of them than a
quarter of the tree's stripped lines: remembering every pair, as an earlier version did, took 1.1 GB and 273 MB
of state on 2,000 modules.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from typing import Any

from pylint.checkers.symilar import (
    Commonality,
    LineNumber,
    LineSet,
    LineSetHashResult,
    SimilaritiesChecker,
    hash_lineset,
)

Pairs = dict[str, Any]  # "digest1 digest2" -> each commonality's line numbers (a list of lists of int)
NOTHING: tuple[()] = ()  # most pairs share nothing: one object for all of them
LINES_PER_PAIR = 4  # at most one remembered pair for this many stripped lines of the tree


class SharedWindows:
    """Replaces one SimilaritiesChecker's `_iter_sims` with the same iteration over the pairs that share windows."""

    def __init__(self, checker: SimilaritiesChecker, known: Pairs) -> None:
        self.checker = checker
        self.known = known
        self.used: Pairs | None = {}  # what this run compared or reused, next run's memory; None: too many
        self.original: Callable[[], Iterator[Commonality]] = checker._iter_sims

    def install(self) -> None:
        """From now on, pylint's close() iterates through this."""
        vars(self.checker)["_iter_sims"] = self.iter_sims

    def iter_sims(self) -> Iterator[Commonality]:
        """pylint's `_iter_sims`: pairs (first, second) in order, skipping those `_find_common` yields nothing for."""
        line_sets = self.checker.linesets
        min_lines = self.checker.namespace.min_similarity_lines
        if min_lines < 1:  # no windows to reason about: pylint's own iteration
            self.used = None
            yield from self.original()
            return
        hashes = [hash_lineset(line_set, min_lines) for line_set in line_sets]
        limit = sum(len(line_set.stripped_lines) for line_set in line_sets) // LINES_PER_PAIR
        digests: dict[int, str] = {}
        for first, second in _candidates(hashes):
            if self.used is not None and len(self.used) >= limit:
                self.used = None  # more pairs than the memory may hold: compare them as pylint does
            if self.used is None:
                yield from self._compare(first, second, hashes)
                continue
            for index in (first, second):
                if index not in digests:
                    digests[index] = lineset_digest(line_sets[index])
            key = f"{digests[first]} {digests[second]}"
            if key not in self.known:
                self.known[key] = [_numbers(common) for common in self._compare(first, second, hashes)] or NOTHING
            self.used[key] = self.known[key]
            for numbers in self.known[key]:
                yield _commonality(numbers, line_sets[first], line_sets[second])

    def _compare(self, first: int, second: int, hashes: list[LineSetHashResult]) -> Iterator[Commonality]:
        line_sets = self.checker.linesets
        return self.checker._find_common(  # pylint: disable=protected-access  # pylint's comparison
            line_sets[first], line_sets[second], hashes[first], hashes[second]
        )


def lineset_digest(line_set: LineSet) -> str:
    """What `_find_common` reads of a LineSet: its stripped lines and its real lines."""
    stripped = [[int(spec.line_number), spec.text] for spec in line_set.stripped_lines]
    data = json.dumps([line_set.real_lines, stripped]).encode("utf-8", "surrogateescape")
    return hashlib.sha256(data).hexdigest()


def _candidates(hashes: list[LineSetHashResult]) -> Iterator[tuple[int, int]]:
    """The pairs of LineSets (by index, in pylint's order) that hold a same couple of consecutive window hashes."""
    couples = [_consecutive(hashed) for hashed in hashes]
    holders: dict[tuple[int, int], list[int]] = {}
    for index, held in enumerate(couples):
        for couple in held:
            holders.setdefault(couple, []).append(index)
    for first, held in enumerate(couples):
        partners = {other for couple in held for other in holders[couple] if other > first}
        for second in sorted(partners):
            yield first, second


def _consecutive(hashed: LineSetHashResult) -> set[tuple[int, int]]:
    """The hashes of each two consecutive windows of a LineSet."""
    by_start: dict[int, int] = {index: window for window, indices in hashed.hash_to_index.items() for index in indices}
    return {(by_start[index], by_start[index + 1]) for index in by_start if index + 1 in by_start}


def _numbers(common: Commonality) -> list[int]:
    return [
        common.cmn_lines_nb,
        int(common.fst_file_start),
        int(common.fst_file_end),
        int(common.snd_file_start),
        int(common.snd_file_end),
    ]


def _commonality(numbers: list[Any], first: LineSet, second: LineSet) -> Commonality:
    lines, first_start, first_end, second_start, second_end = numbers
    return Commonality(
        cmn_lines_nb=lines,
        fst_lset=first,
        fst_file_start=LineNumber(first_start),
        fst_file_end=LineNumber(first_end),
        snd_lset=second,
        snd_file_start=LineNumber(second_start),
        snd_file_end=LineNumber(second_end),
    )
