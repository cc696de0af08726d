"""What each function prints and how it ends, for both front doors: the verdict decides the exit code."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..findings import ToolResult, exit_code
from ..functions import single
from ..reports import summary


@dataclass(frozen=True)
class Rendered:
    """A function's text, and its exit code: 0 passed, 1 findings, 2 could not run."""

    text: str
    exit_code: int


def rendered(
    function: str, results: Sequence[ToolResult], quiet: bool = False, limit: int | None = summary.DEFAULT_LIMIT
) -> Rendered:
    """One tool's report, or every tool's summary; with `quiet`, only the verdict lines."""
    if function in single():
        (result,) = results
        text = result.outcome.headline if quiet else summary.single(result, limit)
    else:
        text = summary.brief(results) if quiet else summary.overall(results, limit)
    return Rendered(text, exit_code(results))
