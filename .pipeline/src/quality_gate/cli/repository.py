"""The project on the disk as the application reads it before a run (app/repository.py): the local implementation."""

from __future__ import annotations

from pathlib import Path

from ..tree import Snapshot
from .paths import from_root


class LocalRepository:
    """Paths as the user typed them (from the current directory); the source's files from one snapshot of the tree."""

    where = "here (run the gate from your project's root)"

    def __init__(self, root: Path, contents: bool) -> None:
        self.root = root
        self.contents = contents  # hash the files, for the result cache
        self.snapshot: Snapshot | None = None  # taken by python_files: the result cache and fix see the same one

    async def is_directory(self, path: str) -> bool:
        """Is there a folder at the path?"""
        return Path(path).is_dir()

    async def python_files(self, source: str) -> list[str]:
        """The source's Python files, from the project's root; a TreeError for a directory link loop, a UsageError for a
        source outside the root."""
        self.snapshot = Snapshot.take(self.root, from_root(self.root, source), contents=self.contents)
        return self.snapshot.python_files()

    async def entries(self, folder: str) -> list[str]:
        """The regular files in the folder (what a configuration folder holds)."""
        try:
            return [item.name for item in Path(folder).iterdir() if item.is_file()]
        except OSError:
            return []

    async def read(self, folder: str, name: str) -> bytes:
        """A file's bytes."""
        return (Path(folder) / name).read_bytes()
