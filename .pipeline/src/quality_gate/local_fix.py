"""The local fix: run the fixers in place on the host, then show what changed as a unified diff."""

from __future__ import annotations

import difflib
import os
from dataclasses import dataclass
from pathlib import Path

from .execution import Runner
from .fixes import FIXERS

PYTHON_SUFFIXES = frozenset({".py", ".pyi"})


@dataclass(frozen=True)
class FixResult:
    """The diff of what the fixers changed, or why they stopped."""

    diff: str
    changed: tuple[str, ...]
    failure: str | None


def snapshot(root: Path, workdir: Path) -> dict[str, bytes]:
    """The bytes of every Python file under root, keyed by path relative to the working directory."""
    return {
        Path(os.path.relpath(path, workdir)).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.suffix in PYTHON_SUFFIXES and path.is_file() and ".venv" not in path.parts
    }


async def fix(runner: Runner) -> FixResult:
    """Apply ruff's safe fixes then black; stop at the first fixer that cannot do its job."""
    workdir = Path(runner.layout.workdir)
    root = workdir / runner.layout.source
    before = snapshot(root, workdir)
    failure = None
    for fixer in FIXERS:
        failure = fixer.failure(await runner.execute(fixer.command(runner.layout)))
        if failure:
            break
    after = snapshot(root, workdir)
    changed = tuple(path for path in sorted(after) if before.get(path) != after[path])
    diff = "".join(_diff(path, before.get(path, b""), after[path]) for path in changed)
    return FixResult(diff, changed, failure)


def _diff(name: str, old: bytes, new: bytes) -> str:
    lines = difflib.unified_diff(
        old.decode(errors="replace").splitlines(keepends=True),
        new.decode(errors="replace").splitlines(keepends=True),
        f"a/{name}",
        f"b/{name}",
    )
    return "".join(lines)
