"""The workspace as the application reads it before a run (app/repository.py): the Dagger implementation."""

from __future__ import annotations

import dagger

from ..commands import PYTHON_SUFFIXES

IN_WORKSPACE = "in the repository (the workspace)"  # where a path option names a folder, in its error


class WorkspaceRepository:
    """A dagger.Directory, read through the engine; paths from the repository root, normalised."""

    where = IN_WORKSPACE

    def __init__(self, directory: dagger.Directory) -> None:
        self.directory = directory

    async def is_directory(self, path: str) -> bool:
        """Is there a folder at the path?"""
        return await self.directory.exists(path, expected_type=dagger.ExistsType.DIRECTORY_TYPE)

    async def python_files(self, source: str) -> list[str]:
        """The source's Python files, from the source (what the engine's glob finds; git-ignored ones left out)."""
        folder = self.directory.directory(source)
        return [path for suffix in PYTHON_SUFFIXES for path in await folder.glob(f"**/*{suffix}")]

    async def entries(self, folder: str) -> list[str]:
        """The names in a folder."""
        return await self.directory.directory(folder).entries()

    async def read(self, folder: str, name: str) -> str:
        """A file's text."""
        return await self.directory.directory(folder).file(name).contents()
