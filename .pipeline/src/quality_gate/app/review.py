"""Which review each function's results go through, for both front doors.

With a committed baseline every function judges against it; `baseline` records what it sees (from nothing, when
none is committed or with --reset); `report` anchors each finding even without a baseline, since Code Quality
fingerprints hash where each finding lies.
"""

from __future__ import annotations

from collections.abc import Callable

from ..baseline.anchors import Scopes
from ..baseline.file import Baseline
from ..baseline.review import Anchoring, Reader, Review
from .run import Review as ResultReview


def recording(baseline: Baseline | None, read: Reader, scopes: Callable[[str], Scopes] = Scopes.of_text) -> Review:
    """`baseline`'s review: it keeps what it found, for the file it writes."""
    return Review(baseline, read, scopes)


def review_for(
    function: str, baseline: Baseline | None, read: Reader, scopes: Callable[[str], Scopes] = Scopes.of_text
) -> ResultReview | None:
    """The review of a function's results (`read`: the source files, `scopes`: how a file's text is parsed)."""
    if function == "baseline" or baseline is not None:
        return recording(baseline, read, scopes)
    return Anchoring(read, scopes) if function == "report" else None
