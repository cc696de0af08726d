"""A tool's result seen through the project's baseline: known findings marked, the verdict on new ones only.

Both front doors review each result as its tool ends (so --fail-fast and the progress lines see the verdict
that counts), and `baseline` writes what the review saw. Reading the source is theirs: from the disk
locally, from the workspace in Dagger.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import replace

import anyio

from .baseline import Baseline, Comparison, compare, entry_for, recorded, source_lines, tightened
from .findings import Finding, Listing, Outcome, ToolResult, Verdict, count, headline
from .reports.text import printable

# A file's text by its path from the project's root, as findings name it; None when it cannot be read.
Reader = Callable[[str], Awaitable[str | None]]
READS_AT_ONCE = 16  # files read together, a bound on the requests the engine gets at once


class Review:
    """Reviews each tool's result against one baseline, and keeps what it found for `baseline` to write."""

    def __init__(self, baseline: Baseline | None, read: Reader) -> None:
        self.baseline = baseline  # None: none committed yet (`baseline` then records every finding)
        self.read = read
        self.comparisons: dict[str, Comparison] = {}
        self._lines: dict[str, list[str]] = {}

    async def __call__(self, result: ToolResult) -> ToolResult:
        """The result with its known findings marked, its verdict on the new ones; a tool that did not run as is."""
        if result.verdict not in {Verdict.PASSED, Verdict.FAILED}:
            return result
        # A finding about a whole file (black's) is identified without its lines: its file is not read.
        await self._load({finding.path for finding in result.findings if not finding.extent} - self._lines.keys())
        found = [entry_for(finding, self._lines.get(finding.path, [])) for finding in result.findings]
        entries = self.baseline.entries if self.baseline else ()
        comparison = compare([entry for entry in entries if entry.tool == result.tool], found)
        self.comparisons[result.tool] = comparison
        return judged(result, comparison)

    async def _load(self, paths: set[str]) -> None:
        """Read the files at once, not one after the other: in Dagger each read is a request to the engine."""
        limiter = anyio.CapacityLimiter(READS_AT_ONCE)

        async def load(path: str) -> None:
            async with limiter:
                text = await self.read(path)
            self._lines[path] = source_lines(text) if text is not None else []

        async with anyio.create_task_group() as group:
            for path in sorted(paths):
                group.start_soon(load, path)

    def next_baseline(self, reset: bool) -> Baseline:
        """What `baseline` writes: every finding when asked (or when none was committed), else the old one tightened."""
        if reset or self.baseline is None:
            return recorded(self.comparisons.values())
        return tightened(self.comparisons.values())


def judged(result: ToolResult, comparison: Comparison) -> ToolResult:
    """The result with each finding marked known or not, failing only on new ones, saying new, known and fixed."""
    findings = tuple(replace(finding, known=comparison.known(index)) for index, finding in enumerate(result.findings))
    new = sum(not finding.known for finding in findings)
    verdict = Verdict.FAILED if result.verdict is Verdict.FAILED and new else Verdict.PASSED
    known, fixed = len(findings) - new, len(comparison.fixed)
    detail = f"{count(new, 'new finding')} ({known} known, {fixed} fixed since the baseline)"
    outcome = Outcome(
        verdict,
        findings,
        result.outcome.output,
        headline(result.tool, verdict, detail),
        _new_only(result.outcome.listing, findings),
    )
    return replace(result, outcome=outcome, fixed=len(comparison.fixed))


def _new_only(listing: Listing | None, findings: Sequence[Finding]) -> Listing | None:
    """The tool's listing of the new findings only, and how many known ones it leaves out."""
    if listing is None or len(listing.entries) != len(findings):
        return listing
    known = sum(finding.known for finding in findings)
    entries = tuple(text for text, finding in zip(listing.entries, findings, strict=True) if not finding.known)
    note = f"{count(known, 'known finding')} (in the baseline) not shown: the Code Quality report lists them"
    return Listing(entries, "\n".join(part for part in (listing.notes, note if known else "") if part))


def unrecordable(results: Sequence[ToolResult]) -> str | None:
    """Why no baseline can be written from these results (a tool that did not run has no findings to record)."""
    missing = [result.tool for result in results if result.verdict not in {Verdict.PASSED, Verdict.FAILED}]
    if not missing:
        return None
    return printable(f"baseline not written: {', '.join(missing)} did not run (a baseline holds every tool's findings)")
