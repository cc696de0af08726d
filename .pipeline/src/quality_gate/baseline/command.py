"""`baseline` at the command line: record the findings of the four tools in the committed baseline file.

Exit codes as for the checks: 0 the file is written and covers every finding; 1 written, but new findings are
left out of it (without --reset it only ever loses fixed entries); 2 not written (a tool did not run, or the
file could not be written).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from ..disk import new_file_mode, write_whole
from ..findings import EXIT_BROKEN, EXIT_FINDINGS, EXIT_PASSED, ToolResult, count
from ..reports import summary
from .file import render
from .review import Reader, Review, unrecordable


def reader(root: Path) -> Reader:
    """Source files read from the project's root, as the findings name them."""

    async def read(path: str) -> str | None:
        file = root / path
        try:
            return file.read_text(encoding="utf-8", errors="replace") if file.is_file() else None
        except OSError:
            return None

    return read


def finish(review: Review, results: Sequence[ToolResult], path: Path, reset: bool) -> int:
    """Write what the review saw (see Review.next_baseline) and say what changed; the exit code."""
    refused = unrecordable(results)
    if refused:
        print(summary.overall(results), flush=True)
        print(f"error: {refused}; fix that and run `baseline` again", file=sys.stderr, flush=True)
        return EXIT_BROKEN
    written = review.next_baseline(reset)
    try:
        path.parent.mkdir(exist_ok=True)  # a project on the shipped configuration gets its .config/ for the baseline
        write_whole(path, render(written).encode("utf-8"), new_file_mode())  # never left half written
    except OSError as error:
        print(f"error: cannot write {path}: {error.strerror}", file=sys.stderr, flush=True)
        return EXIT_BROKEN
    print(summary.table(results), flush=True)
    tools = ", ".join(f"{tool} {number}" for tool, number in sorted(written.per_tool().items())) or "no finding"
    line = f"baseline written to {path}: {count(len(written.entries), 'finding')} ({tools})"
    fixed = sum(result.fixed or 0 for result in results)
    left_out = sum(len(result.new) for result in results) if review.baseline is not None and not reset else 0
    if fixed and review.baseline is not None and not reset:
        line += f"; {count(fixed, 'fixed finding')} removed"
    if left_out:
        line += f"; {count(left_out, 'new finding')} not added: fix them (run-all lists them), or `baseline --reset`"
    print(line, flush=True)
    return EXIT_FINDINGS if left_out else EXIT_PASSED
