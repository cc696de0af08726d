"""The module's functions run without an engine: what the engine would answer, taken from a local checkout.

The SDK builds each query lazily; only its awaits need an engine. Here the four awaits the functions make
answer from a project on disk: a directory's glob and entries, a file's contents (each query's chain of
`directory`/`file` paths read from the workspace's root), and an exec, run as the local runner runs the same
command line (the tests of the container chains prove the two are the same but for the config directory).
Everything else the functions do (the checks, the review, the baseline, the reports) runs for real.
"""

from __future__ import annotations

import posixpath
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import anyio
import dagger
import pytest
from dagger import dag
from quality_gate import dagger_runner
from quality_gate.checks import CHECKS
from quality_gate.local_runner import LocalRunner
from quality_gate.main import QualityGate
from quality_gate.runner import Execution, Layout

from .chains import chain


def _path(value: Any) -> str:
    """The path a lazily built Directory or File stands for, from the workspace's root."""
    parts = [args["path"] for field, args in chain(value)[1:] if field in {"directory", "file"}]
    return posixpath.normpath(posixpath.join(".", *parts))


def called(function: Callable[..., Awaitable[Any]], *args: Any) -> Any:
    """A function of the module run to its end (the SDK's decorators hide its signature from mypy)."""
    return anyio.run(function, *args)


class OfflineEngine:  # pylint: disable=too-few-public-methods  # its other methods stand in for the SDK's
    """Answers the functions' awaits from `root`; `execs` lists the tools it ran, in order."""

    def __init__(self, root: Path, cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.root = root
        self.cache = cache
        self.source_path, self.config_path = "src", ".config"
        self.execs: list[str] = []
        self.read: list[str] = []
        engine = self

        # Methods of the SDK's classes: the object asked is their first argument, the engine the closure's.
        async def glob(directory: dagger.Directory, pattern: str) -> list[str]:
            return await engine._glob(directory, pattern)  # pylint: disable=protected-access

        async def entries(directory: dagger.Directory, path: str | None = None) -> list[str]:
            del path
            return await engine._entries(directory)  # pylint: disable=protected-access

        async def contents(file: dagger.File, offset_lines: int | None = None, limit_lines: int | None = None) -> str:
            del offset_lines, limit_lines
            return await engine._contents(file)  # pylint: disable=protected-access

        monkeypatch.setattr(dagger.Directory, "glob", glob)
        monkeypatch.setattr(dagger.Directory, "entries", entries)
        monkeypatch.setattr(dagger.File, "contents", contents)
        monkeypatch.setattr(dagger_runner, "collect", self._collect)

    def gate(self, source_path: str = "src", config_path: str = ".config") -> QualityGate:
        """The module's object over the checkout, as the engine would construct it."""
        self.source_path, self.config_path = source_path, config_path
        # The SDK's object_type makes the class a keyword-only dataclass, which mypy cannot see.
        return QualityGate(  # type: ignore[call-arg]
            workspace=dag.directory(), source_path=source_path, config_path=config_path
        )

    async def _glob(self, directory: dagger.Directory, pattern: str) -> list[str]:
        base = self.root / _path(directory)
        return sorted(path.relative_to(base).as_posix() for path in base.glob(pattern) if path.is_file())

    async def _entries(self, directory: dagger.Directory) -> list[str]:
        return sorted(entry.name for entry in (self.root / _path(directory)).iterdir())

    async def _contents(self, file: dagger.File) -> str:
        where = _path(file)
        self.read.append(where)
        target = self.root / where
        if not target.is_file():
            raise dagger.DaggerError(f"{where}: no such file")  # the engine's answer is a QueryError, one of these
        return target.read_text(encoding="utf-8")

    async def _collect(self, container: dagger.Container) -> Execution:
        argv = chain(container)[-1][1]["args"]
        check = next(check for check in CHECKS.values() if argv[2] in {check.tool.module, check.driver})
        self.execs.append(check.name)
        where = Layout(source=self.source_path, config=self.config_path, workdir=str(self.root))
        incremental = argv[2] == check.driver  # pylint's driver, its state in the cache, as on the volume
        local = LocalRunner(where, self.cache, incremental=incremental)
        return await local.execute(check.command(local.layout, incremental=incremental))
