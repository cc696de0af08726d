"""The project as the application reads it before a run: the local disk, or the Dagger workspace.

Each front door brings its own (cli/repository.py, container/repository.py); the steps over it are written
once (prepare.py). Paths are the front door's: as the user typed them locally, from the repository root in
Dagger.
"""

from __future__ import annotations

from typing import Protocol


class Repository(Protocol):
    """What preparing a run reads: folders, their entries, files' text, and the source's Python files."""

    @property
    def where(self) -> str:
        """Where a path option is looked for, and what else to try, as an error about it says."""

    async def is_directory(self, path: str) -> bool:
        """Is there a folder at the path?"""

    async def python_files(self, source: str) -> list[str]:
        """The source's Python files that the checks are given: read once per run, carried from then on."""

    async def entries(self, folder: str) -> list[str]:
        """The names in a folder that is there."""

    async def read(self, folder: str, name: str) -> str | bytes:
        """A file's text, or its bytes where they are at hand; an OSError when it cannot be read."""
