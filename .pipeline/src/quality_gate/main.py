"""The Dagger front door: one function per tool, run_all, thin over the checks, runner and reports."""

from __future__ import annotations

from typing import Annotated

import dagger
from dagger import DefaultPath, Doc, Ignore, check, dag, function, generate, object_type
from dagger.mod._exceptions import FunctionError

from . import engine, gate
from .execution import Layout
from .findings import ToolResult
from .fixes import FIXERS
from .functions import all_checks, check_for
from .reports import codequality, junit, summary

# Never sent to the engine: caches and environments are not source, and would defeat its cache.
SOURCE_IGNORE = [
    "**/.git",
    "**/.venv",
    "**/venv",
    "**/__pycache__",
    "**/*.pyc",
    "**/.mypy_cache",
    "**/.ruff_cache",
    "**/.pytest_cache",
    "**/.cache",
    "**/.tox",
    "**/.nox",
    "**/node_modules",
    "**/*.egg-info",
]


class GateError(FunctionError):
    """Findings, or a tool that could not run.

    Subclassing the SDK's FunctionError is its documented escape hatch: the message
    (the tools' output and the verdict) is the whole error, without a Python traceback.
    """


@object_type
class QualityGate:
    """pylint, black, mypy and ruff on your source, with your configuration: alone or all at once."""

    source: Annotated[
        dagger.Directory, DefaultPath("src"), Ignore(SOURCE_IGNORE), Doc("The code to check (default: src).")
    ]
    config: Annotated[
        dagger.Directory,
        DefaultPath(".config"),
        Doc("The tools' configuration and pinned versions (default: .config)."),
    ]
    source_path: Annotated[
        str, Doc("Where the source sits in the repository, so findings name files as the repository does.")
    ] = "src"

    @function
    @check
    async def lint(self) -> str:
        """pylint with .config/.pylintrc; fails on findings, passes (showing them) at or above fail-under."""
        return await self._single("lint")

    @function
    @check
    async def format(self) -> str:
        """black --check --diff with .config/black.toml; fails when a file would be reformatted, changes nothing."""
        return await self._single("format")

    @function
    @check
    async def mypy(self) -> str:
        """mypy with .config/mypy.ini, its cache on a cache volume; fails on type errors."""
        return await self._single("mypy")

    @function
    @check
    async def ruff(self) -> str:
        """ruff check with .config/pyproject.toml (linting only, never fixing); fails on violations."""
        return await self._single("ruff")

    @function
    async def run_all(
        self,
        fail_fast: Annotated[bool, Doc("Stop the other tools at the first failure.")] = False,
    ) -> str:
        """All four at once; a summary, every failing tool's output, and one failure at the end naming them."""
        runner = await self._checked_runner()
        results = await gate.run_all(runner, all_checks(), fail_fast)
        return _verdict(results, summary.overall(results))

    @function
    async def report(self) -> dagger.Directory:
        """All four tools into gl-code-quality-report.json, junit.xml and summary.txt; export it with `export --path`.

        It returns the reports whatever the verdict (the last line of summary.txt says it), so CI can publish them.
        """
        results = await gate.run_all(await self._checked_runner(), all_checks())
        return (
            dag.directory()
            .with_new_file("gl-code-quality-report.json", codequality.render(results))
            .with_new_file("junit.xml", junit.render(results))
            .with_new_file("summary.txt", summary.overall(results) + "\n")
        )

    @function
    @generate
    async def fix(self) -> dagger.Changeset:
        """ruff's safe fixes, then black, as a changeset of the source that the CLI shows and applies."""
        layout = (await self._checked_runner()).layout
        container = engine.workspace(engine.toolbox(self.config), self.source, self.source_path, writable=True)
        for fixer in FIXERS:
            container = engine.run_in(container, fixer.command(layout), self.config)
            failure = fixer.failure(await engine.collect(container))
            if failure:
                raise GateError(failure)
        fixed = container.directory(engine.source_mount(self.source_path))
        return engine.changes(self.source, fixed, self.source_path)

    async def _single(self, function_name: str) -> str:
        result = await gate.run_check(await self._checked_runner(), check_for(function_name))
        return _verdict([result], summary.single(result))

    def _layout(self) -> Layout:
        try:
            return engine.layout(self.source_path)
        except ValueError as error:
            raise GateError(str(error)) from None

    async def _checked_runner(self) -> engine.ContainerRunner:
        """The runner, once the source is known to hold Python: tools given nothing to check would pass."""
        runner = self._runner()
        if not await self.source.glob("**/*.py"):
            raise GateError(f"no Python file in the source directory ({self.source_path}); pass --source DIR")
        return runner

    def _runner(self) -> engine.ContainerRunner:
        layout = self._layout()
        workspace = engine.workspace(engine.toolbox(self.config), self.source, self.source_path)
        return engine.ContainerRunner(workspace, self.config, layout)


def _verdict(results: list[ToolResult], text: str) -> str:
    """The report when everything passed; otherwise the same report as the function's error."""
    if summary.failing(results):
        raise GateError(text)
    return text
