"""The local fix, in the order a careful person would do it: preview on a copy, then write, then verify.

The fixers run on a private copy of the source, so looking at what they would change writes nothing.
Writing keeps the originals first (for `fix --undo`), replaces each file whole, and never writes a file
that is a link, that the user made read-only, or that changed since the preview.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from . import undo
from .fixes import run_fixers
from .local_runner import LocalRunner
from .runner import Layout
from .tree import Snapshot
from .workspace import Change, Workspace


@dataclass(frozen=True)
class Preview:
    """What the fixers would change, and anything that stops the fix from being applied."""

    changes: tuple[Change, ...]
    failure: str | None
    links: tuple[str, ...]

    @property
    def compile_errors(self) -> list[str]:
        """`path: error` for each file that compiled before the fix and not after it."""
        return [f"{change.path}: {error}" for change in self.changes if (error := change.compile_error())]

    @property
    def read_only(self) -> list[str]:
        """Files the fixers would change that the user made read-only."""
        return [change.path for change in self.changes if change.read_only]

    def diff(self) -> str:
        """Every change as one unified diff."""
        return "".join(change.diff() for change in self.changes)


@dataclass
class Application:
    """What writing did so far: filled in as it goes, so an interruption can say what was written."""

    written: list[str] = field(default_factory=list)
    changed_since: list[str] = field(default_factory=list)


async def preview(snapshot: Snapshot, layout: Layout, fix_dir: Path, timeout: float) -> Preview:
    """Run the fixers on a copy of the source and read back what they changed; the source is not touched."""
    workspace = Workspace.copy(snapshot, fix_dir)
    try:
        config = str(Path(layout.workdir, layout.config).resolve())
        where = Layout(source=layout.source, config=config, workdir=str(workspace.root))
        runner = LocalRunner(where, fix_dir / "tools", timeout=timeout)
        failure = await run_fixers(runner)
        changes = tuple(sorted(workspace.changes(), key=lambda change: change.path))
    finally:
        workspace.remove()
    return Preview(changes, failure, workspace.skipped_links)


def apply(root: Path, undo_dir: Path, changes: list[Change], done: Application) -> None:
    """Keep the originals, then replace each file whole; a file edited since the preview is left alone."""
    undo.record(undo_dir, root, changes)
    for change in changes:
        target = root / change.path
        if target.is_symlink() or target.read_bytes() != change.before:
            done.changed_since.append(change.path)
            continue
        undo.write_whole(target, change.after, change.mode)
        done.written.append(change.path)
    if done.changed_since:  # keep in the record only what was written
        undo.record(undo_dir, root, [change for change in changes if change.path in done.written])
