"""After a fix: each tool's findings before and after, and any finding the fix brought in.

Findings are matched by what and where (file, not line: a fix moves lines), one for one (findings.paired, as the
baseline pairs them), so a second identical finding in a file counts as new. Not by the baseline's place
(Entry.place): the fix edits the very lines its findings lie on.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..findings import Finding, ToolResult, Verdict, identity, paired


@dataclass(frozen=True)
class Verification:
    """Per tool: findings before, after, and the new ones; and the tools that could not run, before or after."""

    rows: tuple[tuple[str, int, int, tuple[Finding, ...]], ...]
    broken_after: tuple[str, ...]
    broken_before: tuple[str, ...] = ()  # their "before" counts nothing: shown as "-", never as 0

    @property
    def worse(self) -> bool:
        """The fix brought in a finding, or left a tool unable to run that ran before."""
        return bool(self.broken_after) or any(new for _, _, _, new in self.rows)

    def text(self) -> str:
        """A small table, then each new finding where editors link to it."""
        lines = [f"{'tool':8}{'before':>8}{'after':>8}{'new':>6}"]
        lines += [
            f"{tool:8}{'-' if tool in self.broken_before else before:>8}{after:>8}{len(new):>6}"
            for tool, before, after, new in self.rows
        ]
        new = [finding for _, _, _, found in self.rows for finding in found]
        if new:
            lines.append("findings the fix brought in:")
            lines += [f"  {f.position}: {f.tool} {f.rule}: {f.message.splitlines()[0]}" for f in new]
        lines += [
            f"{tool} could not run before the fix: each finding it has after it counts as new"
            for tool in self.broken_before
        ]
        lines += [f"{tool} could not run after the fix" for tool in self.broken_after]
        return "\n".join(lines)


def compare(before: Sequence[ToolResult], after: Sequence[ToolResult]) -> Verification:
    """Match each tool's findings after the fix against those before it."""
    earlier = {result.tool: result for result in before}
    rows = []
    broken = []
    broken_before = tuple(result.tool for result in before if result.verdict is Verdict.BROKEN)
    for result in after:
        old = earlier.get(result.tool)
        if result.verdict is Verdict.BROKEN and (old is None or old.verdict is not Verdict.BROKEN):
            broken.append(result.tool)
        pairs = paired(old.findings if old else (), result.findings, (identity,))
        new = [finding for finding, pair in zip(result.findings, pairs, strict=True) if pair is None]
        rows.append((result.tool, len(old.findings) if old else 0, len(result.findings), tuple(new)))
    return Verification(tuple(rows), tuple(broken), broken_before)
