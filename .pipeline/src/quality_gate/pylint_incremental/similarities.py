"""duplicate-code without comparing every pair of modules again: pylint's own comparison, remembered per pair.

SimilaritiesChecker.close() compares each pair of LineSets (rich: 4,950 pairs, a second of a leaf edit's run);
what `_find_common` yields for a pair depends only on the two LineSets and min-similarity-lines (in the run's
key). So the pairs whose two LineSets are unchanged take last run's answer, and only the pairs with a changed
module are compared; the messages are still made by pylint's close() from the full list, in its order.
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


def lineset_digest(line_set: LineSet) -> str:
    """What `_find_common` reads of a LineSet: its stripped lines and its real lines."""
    stripped = [[int(spec.line_number), spec.text] for spec in line_set.stripped_lines]
    data = json.dumps([line_set.real_lines, stripped]).encode("utf-8", "surrogateescape")
    return hashlib.sha256(data).hexdigest()


class RememberedPairs:
    """Replaces one SimilaritiesChecker's `_iter_sims` with the same iteration over remembered answers."""

    def __init__(self, checker: SimilaritiesChecker, known: Pairs) -> None:
        self.checker = checker
        self.known = known
        self.used: Pairs = {}  # what this run compared or reused: next run's memory
        self.original: Callable[..., Iterator[Commonality]] = checker._find_common

    def install(self) -> None:
        """From now on, pylint's close() iterates through the memory."""
        vars(self.checker)["_iter_sims"] = self.iter_sims

    def iter_sims(self) -> Iterator[Commonality]:
        """pylint's `_iter_sims`: every pair in order, hashing a LineSet only when one of its pairs is new."""
        min_lines = self.checker.namespace.min_similarity_lines
        line_sets = self.checker.linesets
        digests = [lineset_digest(line_set) for line_set in line_sets]
        hashes: dict[int, LineSetHashResult] = {}
        for first in range(len(line_sets) - 1):
            for second in range(first + 1, len(line_sets)):
                key = f"{digests[first]} {digests[second]}"
                if key not in self.known:
                    for index in (first, second):
                        if index not in hashes:
                            hashes[index] = hash_lineset(line_sets[index], min_lines)
                    found = self.original(line_sets[first], line_sets[second], hashes[first], hashes[second])
                    self.known[key] = [_numbers(common) for common in found] or NOTHING
                self.used[key] = self.known[key]
                for numbers in self.known[key]:
                    yield _commonality(numbers, line_sets[first], line_sets[second])


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
