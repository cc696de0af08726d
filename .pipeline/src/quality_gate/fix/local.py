"""The local fix, in the order a careful person would do it: preview on a copy, then write, then verify.

The fixers run on a private copy of the source, so looking at what they would change writes nothing.
Writing keeps the originals first (for `fix --undo`), replaces each file whole, and never writes a file
that is a link, that the user made read-only, or that changed since the preview.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..commands import Layout
from ..disk import write_whole
from ..errors import QualityGateError
from ..local import interrupts
from ..local.runner import LocalRunner
from ..tree import Snapshot
from . import undo
from .fixers import run_fixers
from .scratch import Change, Workspace


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

    def unwritable(self, root: Path) -> list[str]:
        """Why a file the fixers would change cannot be written, one reason per file or directory; none: all can.

        A file is replaced by a new file renamed over it, so its directory must let this user create and rename
        files; a file the user made read-only is left alone even where the directory would allow replacing it.
        """
        problems = []
        for directory in sorted({str(Path(change.path).parent) for change in self.changes}):
            if not _may(root / directory, os.W_OK | os.X_OK):
                problems.append(
                    f"the directory {directory} is not writable for this user (fix writes each file through a new "
                    f"file beside it): make it writable (chmod u+w {directory}) or run fix as its owner"
                )
        for change in self.changes:
            if change.read_only or not _may(root / change.path, os.W_OK):
                problems.append(
                    f"{change.path} is read-only: fix does not write it (make it writable, chmod u+w, to have it fixed)"
                )
        return problems

    def diff(self) -> str:
        """Every change as one unified diff."""
        return "".join(change.diff() for change in self.changes)


@dataclass
class Application:
    """What writing did so far: filled in as it goes, so an interruption can say what was written."""

    written: list[str] = field(default_factory=list)
    changed_since: list[str] = field(default_factory=list)


class WriteError(QualityGateError):
    """A file could not be written (or the originals could not be kept): which, and the system's reason."""

    def __init__(self, path: str, error: OSError) -> None:
        super().__init__(path, error)
        self.path = path
        self.reason = error.strerror or str(error)


async def preview(snapshot: Snapshot, layout: Layout, fix_dir: Path, timeout: float) -> Preview:
    """Run the fixers on a copy of the source and read back what they changed; the source is not touched."""
    workspace = Workspace.copy(snapshot, fix_dir)
    try:
        config = str(Path(layout.workdir, layout.config).resolve())
        where = replace(layout, config=config, workdir=str(workspace.root), config_shown=layout.config)
        runner = LocalRunner(where, fix_dir / "tools", timeout=timeout)
        failure = await run_fixers(runner)
        changes = tuple(sorted(workspace.changes(), key=lambda change: change.path))
    finally:
        workspace.remove()
    return Preview(changes, failure, workspace.skipped_links)


def apply(root: Path, undo_dir: Path, changes: list[Change], done: Application) -> None:
    """Keep the originals, then replace each file whole; a file edited since the preview is left alone.

    A signal that stops the gate (Ctrl-C too) waits while one file is written and counted, so `done` always
    names exactly the files written. A file that cannot be written stops the rest: WriteError.
    """
    try:
        undo.record(undo_dir, root, changes)
    except OSError as error:
        raise WriteError(str(undo_dir), error) from None
    for change in changes:
        target = root / change.path
        try:
            with interrupts.held():
                if target.is_symlink() or target.read_bytes() != change.before:
                    done.changed_since.append(change.path)
                    continue
                write_whole(target, change.after, change.mode)
                done.written.append(change.path)
        except OSError as error:
            raise WriteError(change.path, error) from None
    if done.changed_since:  # keep in the record only what was written
        undo.record(undo_dir, root, [change for change in changes if change.path in done.written])


def _may(path: Path, mode: int) -> bool:
    """Whether this process may do that, by the rights it acts with (its effective ids, where the system says)."""
    return os.access(path, mode, effective_ids=os.access in os.supports_effective_ids)
