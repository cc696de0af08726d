"""The Dagger front door: one function per tool, run_all, thin over the checks, runner and reports."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import Annotated

import dagger
from dagger import DefaultPath, Doc, Ignore, check, dag, function, generate, object_type
from dagger.mod._exceptions import FunctionError

from . import dagger_runner, gate
from .baseline import FILE_NAME as BASELINE_FILE
from .baseline import Baseline, BaselineError, load, render
from .checks import CHECKS, Check
from .checks.config import unconfigured
from .findings import ToolResult
from .fixes import FIXERS, run_fixers
from .functions import all_checks, check_for
from .reports import files as report_files
from .reports import summary
from .review import Review, unrecordable
from .runner import PROJECT_REQUIREMENTS, file_set_digest
from .tree import NEVER_SOURCE_DIRS, PYTHON_SUFFIXES

# Never sent to the engine: caches and environments are not source, and would defeat its cache.
# (.gitignore'd files are left out by Dagger itself.)
WORKSPACE_IGNORE = [*(f"**/{name}" for name in sorted(NEVER_SOURCE_DIRS)), "**/*.pyc", "**/*.egg-info"]


class GateError(FunctionError):
    """Findings, or a tool that could not run.

    FunctionError is private to the SDK (dagger.mod._exceptions, not exported by `dagger`): it is the
    class Module.call re-raises without logging a traceback, so the message (the tools' output and the
    verdict) is the whole error. tests/dagger fail if the SDK moves it or stops treating it so.
    """


@dataclass(frozen=True)
class Prepared:
    """What every function starts from: the runner, the source's Python files, the committed baseline (if any)."""

    runner: dagger_runner.ContainerRunner
    files: list[str]
    baseline: Baseline | None


@object_type
class QualityGate:
    """pylint, black, mypy and ruff on your source, with your configuration: alone or all at once."""

    workspace: Annotated[
        dagger.Directory,
        DefaultPath("/"),
        Ignore(WORKSPACE_IGNORE),
        Doc("The repository (default: its root); the source and the configuration are read from it."),
    ]
    source_path: Annotated[
        str, Doc("The code to check, relative to the repository root; findings and fixes name files from there.")
    ] = "src"
    config_path: Annotated[
        str, Doc("The tools' configuration and pinned versions, relative to the repository root.")
    ] = ".config"
    incremental: Annotated[
        bool,
        Doc("pylint and black reuse unchanged modules' and files' results from their cache volumes; false: run whole."),
    ] = True

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
        ready = await self._prepared(all_checks())
        review = self._review(ready)
        results = await gate.run_all(ready.runner, all_checks(), fail_fast, files=ready.files, review=review)
        return _verdict(results, summary.overall(results))

    @function
    async def report(self) -> dagger.Directory:
        """All four tools into gl-code-quality-report.json, junit.xml and summary.txt; export it with `export --path`.

        It returns the reports whatever the verdict (the last line of summary.txt says it), so CI can publish them.
        """
        ready = await self._prepared(all_checks())
        results = await gate.run_all(ready.runner, all_checks(), files=ready.files, review=self._review(ready))
        reports = dag.directory()
        for name, text in report_files.render_all(results).items():
            reports = reports.with_new_file(name, text)
        return reports

    @function
    async def baseline(
        self,
        reset: Annotated[bool, Doc("Record every current finding; without it, only the fixed ones leave.")] = False,
    ) -> dagger.File:
        """The four tools' findings as the project's baseline, to export: `export --path=.config/quality-baseline.json`.

        With a baseline committed, it only loses the entries fixed since (unless --reset); the checks then fail
        on findings that are not in it.
        """
        ready = await self._prepared(all_checks())
        recording = Review(ready.baseline, self._read)
        results = await gate.run_all(ready.runner, all_checks(), files=ready.files, review=recording)
        refused = unrecordable(results)
        if refused:
            raise GateError(f"{summary.overall(results)}\n{refused}")
        print(summary.table(results), file=sys.stderr)  # the function's log: what the baseline holds
        return dag.file(BASELINE_FILE, render(recording.next_baseline(reset)))

    @function
    @generate
    async def fix(self) -> dagger.Changeset:
        """ruff's safe fixes, then black, as a changeset of the source that the CLI shows and applies."""
        layout = (await self._prepared([CHECKS[fixer.tool.name] for fixer in FIXERS])).runner.layout
        source, config = self._source(), self._config()
        writable = dagger_runner.with_source(dagger_runner.toolbox(config), source, self.source_path, writable=True)
        chain = dagger_runner.ChainRunner(writable, config, layout)
        failure = await run_fixers(chain)  # the same fixers, in the same order, as the local fix
        if failure:
            raise GateError(failure)
        fixed = chain.container.directory(dagger_runner.source_mount(self.source_path))
        return dagger_runner.changes(source, fixed, self.source_path)

    async def _single(self, function_name: str) -> str:
        tool = check_for(function_name)
        ready = await self._prepared([tool])
        result = await gate.run_check(ready.runner, tool, files=ready.files, review=self._review(ready))
        return _verdict([result], summary.single(result))

    def _review(self, ready: Prepared) -> Review | None:
        """Each result seen through the committed baseline, when the project has one."""
        return Review(ready.baseline, self._read) if ready.baseline else None

    async def _read(self, path: str) -> str | None:
        """A source file, by its path from the repository root as findings name it (for the baseline's anchors)."""
        try:
            return await self.workspace.file(path).contents()
        except dagger.DaggerError:
            return None

    def _source(self) -> dagger.Directory:
        """The source, read from the one repository at source_path: the same path mounts it and names its files."""
        try:
            return dagger_runner.source_dir(self.workspace, self.source_path)
        except ValueError as error:
            raise GateError(str(error)) from None

    def _config(self) -> dagger.Directory:
        """The configuration, read from the same repository at config_path."""
        try:
            return dagger_runner.config_dir(self.workspace, self.config_path)
        except ValueError as error:
            raise GateError(str(error)) from None

    async def _prepared(self, checks: list[Check]) -> Prepared:
        """The runner, the source's Python files and the baseline, once there are files and configs that configure.

        Tools given nothing to check would pass; given a config file without their section, they would run with
        their defaults. The project's requirements, when the config has them, are installed in the toolbox.
        """
        source = self._source()
        files = [path for suffix in PYTHON_SUFFIXES for path in await source.glob(f"**/*{suffix}")]
        if not files:
            raise GateError(f"no Python file in the source directory ({self.source_path}); pass --source-path DIR")
        config = self._config()
        present = set(await config.entries())
        names = [check.tool.config_file for check in checks if check.tool.config_file in present]
        problem = unconfigured(self.config_path, checks, {name: await config.file(name).contents() for name in names})
        if problem:
            raise GateError(problem)
        committed = None
        if BASELINE_FILE in present:
            try:
                committed = load(await config.file(BASELINE_FILE).contents(), f"{self.config_path}/{BASELINE_FILE}")
            except BaselineError as error:
                raise GateError(str(error)) from None
        runner = self._runner(file_set_digest(files), project_requirements=PROJECT_REQUIREMENTS in present)
        return Prepared(runner, files, committed)

    def _runner(self, file_set: str = "", project_requirements: bool = False) -> dagger_runner.ContainerRunner:
        source, config = self._source(), self._config()
        tools = dagger_runner.toolbox(config, project_requirements)
        base = dagger_runner.with_source(tools, source, self.source_path)
        layout = dagger_runner.layout(self.source_path)
        return dagger_runner.ContainerRunner(base, config, layout, file_set, incremental=self.incremental)


def _verdict(results: list[ToolResult], text: str) -> str:
    """The report when everything passed; otherwise the same report as the function's error."""
    if summary.failing(results):
        raise GateError(text)
    return text
