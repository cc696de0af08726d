"""duplicate-code without comparing every pair of modules: pylint's own comparison, of the pairs that can match.

SimilaritiesChecker.close() compares every pair of LineSets: on 2,000 small modules, two million comparisons,
half of a full run. `_find_common` yields a similarity only from a window of lines whose hash both LineSets
hold (it starts from the intersection of their `hash_to_index` keys; an empty one yields nothing). So each
LineSet is hashed once, as pylint does, an index from each window hash to the LineSets holding it gives every
pair that shares one, and only those pairs go through pylint's `_find_common`, in pylint's order: the same
similarities, in the same order, from work and memory that grow with the lines, not with the pairs. Nothing is
kept between runs.
"""

from __future__ import annotations

from collections.abc import Iterator

from pylint.checkers.symilar import Commonality, LineSetHashResult, SimilaritiesChecker, hash_lineset


class SharedWindows:  # pylint: disable=too-few-public-methods  # replaces one method of one checker
    """Replaces one SimilaritiesChecker's `_iter_sims` with the same iteration over the pairs that share a window."""

    def __init__(self, checker: SimilaritiesChecker) -> None:
        self.checker = checker

    def install(self) -> None:
        """From now on, pylint's close() iterates through this."""
        vars(self.checker)["_iter_sims"] = self.iter_sims

    def iter_sims(self) -> Iterator[Commonality]:
        """pylint's `_iter_sims`: pairs (first, second) in order, skipping those `_find_common` yields nothing for."""
        line_sets = self.checker.linesets
        hashes = [hash_lineset(line_set, self.checker.namespace.min_similarity_lines) for line_set in line_sets]
        holders = _holders(hashes)
        for first, hashed in enumerate(hashes):
            partners = {other for window in hashed.hash_to_index for other in holders[window] if other > first}
            for second in sorted(partners):
                yield from self.checker._find_common(  # pylint: disable=protected-access  # pylint's comparison
                    line_sets[first], line_sets[second], hashed, hashes[second]
                )


def _holders(hashes: list[LineSetHashResult]) -> dict[int, list[int]]:
    """Each window hash -> the indices of the LineSets that hold it, in order."""
    holders: dict[int, list[int]] = {}
    for index, hashed in enumerate(hashes):
        for window in hashed.hash_to_index:
            holders.setdefault(window, []).append(index)
    return holders
