"""A private copy of the source for the fixers: the real files change only once the user has seen the diff.

The copy keeps the source's place under a root of its own (and the .gitignore files above it, and a
`.git` marker when the project has one), so that black and ruff decide the same files and print the same
relative paths as they would in the project. Links are not copied: `fix` never writes through one.
"""

from __future__ import annotations

import difflib
import shutil
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..tree import Snapshot


@dataclass(frozen=True)
class Change:
    """One file the fixers changed: its path from the project's root, its bytes before and after, its mode."""

    path: str
    before: bytes
    after: bytes
    mode: int

    @property
    def read_only(self) -> bool:
        """The user made it read-only: fix does not write it."""
        return not self.mode & stat.S_IWUSR

    def diff(self) -> str:
        """The change as a unified diff, `a/` and `b/` prefixed like git's."""
        lines = difflib.unified_diff(
            self.before.decode(errors="replace").splitlines(keepends=True),
            self.after.decode(errors="replace").splitlines(keepends=True),
            f"a/{self.path}",
            f"b/{self.path}",
        )
        return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines)

    def compile_error(self) -> str | None:
        """Why the fixed file no longer compiles (when the original did), or None."""
        if not self.path.endswith((".py", ".pyi")) or _compile(self.before, self.path) is not None:
            return None
        return _compile(self.after, self.path)


@dataclass(frozen=True)
class Workspace:
    """The copy: where it is, what was copied (path: bytes, mode), and the links left out."""

    root: Path
    originals: dict[str, tuple[bytes, int]]
    skipped_links: tuple[str, ...]

    @classmethod
    def copy(cls, snapshot: Snapshot, into: Path) -> Workspace:
        """Copy the source's Python files (and the ignore files that decide what the tools walk) into a new dir."""
        root = Path(tempfile.mkdtemp(prefix="work-", dir=into))
        originals: dict[str, tuple[bytes, int]] = {}
        links: list[str] = []
        for path, entry in sorted(snapshot.entries.items()):
            wanted = entry.counted or (Path(path).name == ".gitignore" and _on_the_way(path, snapshot.source))
            if not wanted or entry.identity is None:
                continue
            if entry.linked:
                if entry.counted:
                    links.append(path)
                continue
            target = root / path
            target.parent.mkdir(parents=True, exist_ok=True)
            data = entry.real.read_bytes()
            target.write_bytes(data)
            mode = stat.S_IMODE(entry.real.stat().st_mode)
            target.chmod(mode | stat.S_IWUSR)  # the fixers may write the copy; the mode decides the real file
            if entry.counted:
                originals[path] = (data, mode)
        if (snapshot.root / ".git").exists():
            (root / ".git").mkdir(exist_ok=True)  # black and ruff take the directory with .git for the root
        return cls(root, originals, tuple(links))

    def changes(self) -> list[Change]:
        """Every copied file whose bytes the fixers changed."""
        found = []
        for path, (before, mode) in self.originals.items():
            try:
                after = (self.root / path).read_bytes()
            except OSError:
                continue  # a fixer does not remove files; nothing to write back
            if after != before:
                found.append(Change(path, before, after, mode))
        return found

    def remove(self) -> None:
        """Delete the copy."""
        shutil.rmtree(self.root, ignore_errors=True)


def _on_the_way(path: str, source: str) -> bool:
    """A .gitignore at the root, above the source or inside it."""
    directory = str(Path(path).parent)
    inside = source == "." or directory == source or directory.startswith(source + "/")
    return inside or directory == "." or source.startswith(directory + "/")


def _compile(data: bytes, path: str) -> str | None:
    try:
        compile(data, path, "exec", dont_inherit=True)
    except (SyntaxError, ValueError) as error:
        return f"{type(error).__name__}: {error}"
    return None
