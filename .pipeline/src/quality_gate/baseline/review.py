"""A tool's result seen through the project's baseline: known findings marked, the verdict on new ones only.

Both front doors review each result as its tool ends (so --fail-fast and the progress lines see the verdict
that counts), and `baseline` writes what the review saw; `report` anchors each finding for its fingerprint
even without a baseline. Reading the source is theirs: from the disk locally, from the workspace in Dagger.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import replace

import anyio

from ..findings import Finding, Listing, Outcome, ToolResult, Verdict, count
from ..reports.text import printable
from .anchors import Scopes
from .file import Baseline, Comparison, Entry, compare, entry_for, recorded, source_lines, tightened

# A file's text by its path from the project's root, as findings name it; None when it cannot be read.
Reader = Callable[[str], Awaitable[str | None]]
READS_AT_ONCE = 16  # files read together, a bound on the requests the engine gets at once


class Anchoring:
    """Reads the files a result's findings name, once each, and says where each finding lies in its file.

    The anchors (the definition around a finding, its line's content) are what a baseline's entries hold and
    what Code Quality fingerprints hash: `report` anchors every result, with or without a baseline.
    """

    def __init__(self, read: Reader, scopes: Callable[[str], Scopes] = Scopes.of_text) -> None:
        self.read = read
        self.scopes = scopes  # a file's text to its scopes (kept between runs locally, see anchors.remembered)
        self._lines: dict[str, list[str]] = {}
        self._scopes: dict[str, Scopes] = {}
        self._loading = anyio.Lock()  # tools that end together read (and parse) each file once, not once each

    async def __call__(self, result: ToolResult) -> ToolResult:
        """The result with its findings anchored; a tool that did not run as is."""
        if result.verdict not in {Verdict.PASSED, Verdict.FAILED}:
            return result
        found = await self.entries(result)
        findings = tuple(replace(f, anchor=anchor(entry)) for f, entry in zip(result.findings, found, strict=True))
        return replace(result, outcome=replace(result.outcome, findings=findings))

    async def entries(self, result: ToolResult) -> list[Entry]:
        """Each finding's entry, as the baseline keeps it."""
        # A finding about a whole file or module is identified without its lines: its file is not read for it.
        async with self._loading:
            await self._load({f.path for f in result.findings if not (f.extent or f.whole_module)} - self._lines.keys())
        return [
            entry_for(finding, self._lines.get(finding.path, []), self._scope(finding)) for finding in result.findings
        ]

    def _scope(self, finding: Finding) -> str | None:
        scopes = self._scopes.get(finding.path)
        return scopes.of(finding.line) if scopes else ""

    async def _load(self, paths: set[str]) -> None:
        """Read the files at once, not one after the other: in Dagger each read is a request to the engine."""
        limiter = anyio.CapacityLimiter(READS_AT_ONCE)

        async def load(path: str) -> None:
            async with limiter:
                text = await self.read(path)
            self._lines[path] = source_lines(text) if text is not None else []
            if text is not None:
                self._scopes[path] = self.scopes(text)

        async with anyio.create_task_group() as group:
            for path in sorted(paths):
                group.start_soon(load, path)


class Review(Anchoring):
    """Reviews each tool's result against one baseline, and keeps what it found for `baseline` to write."""

    def __init__(
        self, baseline: Baseline | None, read: Reader, scopes: Callable[[str], Scopes] = Scopes.of_text
    ) -> None:
        super().__init__(read, scopes)
        self.baseline = baseline  # None: none committed yet (`baseline` then records every finding)
        self.comparisons: dict[str, Comparison] = {}

    async def __call__(self, result: ToolResult) -> ToolResult:
        """The result with its known findings marked, its verdict on the new ones; a tool that did not run as is."""
        if result.verdict not in {Verdict.PASSED, Verdict.FAILED}:
            return result
        found = await self.entries(result)
        entries = self.baseline.entries if self.baseline else ()
        comparison = compare([entry for entry in entries if entry.tool == result.tool], found)
        self.comparisons[result.tool] = comparison
        return judged(result, comparison)

    def next_baseline(self, reset: bool) -> Baseline:
        """What `baseline` writes: every finding when asked (or when none was committed), else the old one tightened."""
        if reset or self.baseline is None:
            return recorded(self.comparisons.values())
        return tightened(self.comparisons.values())


def anchor(entry: Entry) -> tuple[str, ...]:
    """What fingerprints hash of a finding's place besides its identity: the baseline's (Entry.place), as text."""
    return tuple(part or "" for part in entry.place())


def judged(result: ToolResult, comparison: Comparison) -> ToolResult:
    """The result with each finding marked known or not, failing only on new ones, saying new, known and fixed."""
    findings = tuple(
        replace(finding, known=comparison.known(index), anchor=anchor(comparison.found[index]))
        for index, finding in enumerate(result.findings)
    )
    new = sum(not finding.known for finding in findings)
    verdict = Verdict.FAILED if result.verdict is Verdict.FAILED and new else Verdict.PASSED
    known, fixed = len(findings) - new, len(comparison.fixed)
    detail = f"{count(new, 'new finding')} ({known} known, {fixed} fixed since the baseline)"
    listing = _new_only(result.outcome.listing, findings)
    outcome = Outcome.ended(result.tool, verdict, detail, findings, result.outcome.output, listing)
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
