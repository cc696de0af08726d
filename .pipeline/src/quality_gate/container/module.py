"""The Dagger front door: one function per tool, run_all, thin over the checks, runner and reports."""

from __future__ import annotations

import hashlib
import posixpath
import sys
from dataclasses import replace
from typing import Annotated, NoReturn

import dagger
from dagger import DefaultPath, Doc, Ignore, check, dag, function, generate, object_type
from dagger.mod._exceptions import FunctionError

from .. import defaults
from ..app import run as gate
from ..app.prepare import PathOption, Prepared, Request, prepare
from ..app.render import Rendered, rendered
from ..app.review import recording, review_for
from ..baseline.file import FILE_NAME as BASELINE_FILE
from ..baseline.file import render
from ..baseline.review import unrecordable
from ..checks import CHECKS, Check
from ..commands import PROJECT_REQUIREMENTS, TOOL_REQUIREMENTS
from ..errors import QualityGateError
from ..findings import EXIT_BROKEN, EXIT_FINDINGS
from ..fix.fixers import FIXERS, run_fixers
from ..functions import all_checks, check_for, drivers
from ..local.tools_env import pinned
from ..reports import files as report_files
from ..reports import summary
from ..tree import NEVER_SOURCE_DIRS
from . import runner as dagger_runner
from .repository import WorkspaceRepository

# Never sent to the engine: caches and environments are not source, and would defeat its cache.
# (.gitignore'd files are left out by Dagger itself.)
WORKSPACE_IGNORE = [*(f"**/{name}" for name in sorted(NEVER_SOURCE_DIRS)), "**/*.pyc", "**/*.egg-info"]


class GateError(FunctionError):
    """Findings: `dagger call` exits 1.

    FunctionError is private to the SDK (dagger.mod._exceptions, not exported by `dagger`): it is the
    class Module.call re-raises without logging a traceback, so the message (the tools' output and the
    verdict) is the whole error. tests/container fail if the SDK moves it or stops treating it so.
    """


class CouldNotRunError(GateError, dagger.ExecError):  # pylint: disable=too-many-ancestors  # both SDK lines
    """A tool could not run, or the input is wrong: `dagger call` exits 2, as the local runner does.

    Through `dagger call` only an exec's error keeps its exit code (any other error exits 1), so the text
    is written by an exec that ends with code 2 (`could_not_run`), and that exec's error is raised as this
    class: an ExecError, whose extensions (exit code 2, the text as stderr) the SDK hands to the engine,
    and a FunctionError, which the SDK re-raises without logging a traceback.
    """

    def __new__(cls, failed: dagger.ExecError) -> CouldNotRunError:  # QueryError picks its class by the errors
        del failed
        return Exception.__new__(cls)

    def __init__(self, failed: dagger.ExecError) -> None:  # pylint: disable=super-init-not-called
        # The engine's error, as it came (ExecError's __init__ takes *args untyped).
        dagger.ExecError.__init__(self, failed.errors, failed.request)  # type: ignore[no-untyped-call]
        self.extra = None  # what a ModuleError carries besides its message: nothing


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
    project: Annotated[
        str,
        Doc(
            "Names this project's cache volumes on a shared engine (make and CI pass the repository's identity);"
            " default: the source's set of Python files."
        ),
    ] = ""

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
        runner, ready = await self._prepared(all_checks())
        review = review_for("run-all", ready.baseline, self._read)
        results = await gate.run_all(runner, all_checks(), fail_fast, files=ready.files, review=review)
        return await _verdict(rendered("run-all", results))

    @function
    async def report(self) -> dagger.Directory:
        """All four tools into the reports (Code Quality, JUnit, SARIF, summary.txt); export them with `export --path`.

        It returns the reports whatever the verdict (the last line of summary.txt says it), so CI can publish them.
        """
        runner, ready = await self._prepared(all_checks())
        review = review_for("report", ready.baseline, self._read)
        results = await gate.run_all(runner, all_checks(), files=ready.files, review=review)
        # The toolbox installs exactly the pins: the versions that ran.
        versions = pinned(await self._config().file(TOOL_REQUIREMENTS).contents())
        reports = dag.directory()
        for name, text in report_files.render_all(results, drivers(versions)).items():
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
        runner, ready = await self._prepared(all_checks(), committed=not reset)  # --reset never reads the old file
        review = recording(ready.baseline, self._read)
        results = await gate.run_all(runner, all_checks(), files=ready.files, review=review)
        refused = unrecordable(results)
        if refused:
            await could_not_run(f"{summary.overall(results)}\n{refused}")
        print(summary.table(results), file=sys.stderr)  # the function's log: what the baseline holds
        return dag.file(BASELINE_FILE, render(review.next_baseline(reset)))

    @function
    @generate
    async def fix(self) -> dagger.Changeset:
        """ruff's safe fixes, then black, as a changeset of the source that the CLI shows and applies."""
        prepared, _ = await self._prepared([CHECKS[fixer.tool.name] for fixer in FIXERS])
        source, config = self._source(), prepared.config
        writable = dagger_runner.with_source(dagger_runner.toolbox(config), source, self.source_path, writable=True)
        chain = dagger_runner.ChainRunner(writable, config, prepared.layout, prepared.volumes)
        failure = await run_fixers(chain)  # the same fixers, in the same order, as the local fix
        if failure:
            await could_not_run(failure)
        fixed = chain.container.directory(dagger_runner.source_mount(self.source_path))
        return dagger_runner.changes(source, fixed, self.source_path)

    async def _single(self, function_name: str) -> str:
        tool = check_for(function_name)
        runner, ready = await self._prepared([tool])
        review = review_for(function_name, ready.baseline, self._read)
        result = await gate.run_check(runner, tool, files=ready.files, review=review)
        return await _verdict(rendered(function_name, [result]))

    async def _read(self, path: str) -> str | None:
        """A source file, by its path from the repository root as findings name it (for the baseline's anchors)."""
        try:
            return await self._repository().file(path).contents()
        except dagger.DaggerError:
            return None

    def _repository(self) -> dagger.Directory:
        """The workspace without what git ignores, as locally.

        Dagger leaves out .gitignore'd files of a default path (the repository root), not of a directory given on
        the command line (`dagger -m <module> call --workspace=. ...`, the way to check your own repository with
        the module called from its git address): so the module applies the rules itself, the same in both cases.
        """
        return self.workspace.filter(gitignore=True)

    def _source(self) -> dagger.Directory:
        """The source, read from the one repository at source_path: the same path mounts it and names its files."""
        return dagger_runner.source_dir(self._repository(), self.source_path)

    def _config(self) -> dagger.Directory:
        """The configuration, read from the same repository at config_path."""
        return dagger_runner.config_dir(self._repository(), self.config_path)

    async def _prepared(
        self, checks: list[Check], committed: bool = True
    ) -> tuple[dagger_runner.ContainerRunner, Prepared]:
        """The runner over what the application prepared (see app/prepare.py); bad input ends the function."""
        try:
            source = dagger_runner.repository_path(self.source_path, "--source-path")
            config = dagger_runner.repository_path(self.config_path, "--config-path")
            request = Request(
                PathOption("--source-path", self.source_path, source),
                PathOption("--config-path", self.config_path, config),
                config_default=config == defaults.FOLDER,
                checks=checks,
                committed=committed,
            )
            ready = await prepare(WorkspaceRepository(self._repository()), request)
        except QualityGateError as error:  # an InputError, or a path outside the repository
            return await could_not_run(str(error))
        tools = (self._configuration(ready), ready.bundled)
        requirements = PROJECT_REQUIREMENTS in ready.present  # installed in the toolbox, when the config has them
        return self._runner(ready.file_set, requirements, self._volume_prefix(ready.file_set), tools), ready

    def _configuration(self, ready: Prepared) -> dagger.Directory:
        """The configuration the tools get: the project's own files, and the shipped ones for those it lacks.

        The shipped files are read from the module's own source (dagger.json includes .config/ in what the engine
        loads).
        """
        config = self._config() if ready.present else dag.directory()
        for name in ready.bundled:
            config = config.with_new_file(name, defaults.text(name))
        return config

    def _volume_prefix(self, file_set: str) -> str:
        """The start of this project's cache volume names: two projects on one engine never share a tool's state.

        make and CI pass the repository's identity as `project`. Without it, the source's set of Python files
        stands for the project: two projects do not have the same set, while adding, moving or removing a file
        starts pylint's and black's state afresh, as it does mypy's cache.
        """
        identity = f"project:{self.project}" if self.project else f"files:{self.source_path}:{file_set}"
        return f"quality-gate-{hashlib.sha256(identity.encode('utf-8', 'surrogateescape')).hexdigest()[:12]}"

    def _runner(
        self,
        file_set: str = "",
        project_requirements: bool = False,
        volumes: str = dagger_runner.VOLUME_PREFIX,
        configuration: tuple[dagger.Directory, tuple[str, ...]] | None = None,
    ) -> dagger_runner.ContainerRunner:
        """The runner over the toolbox with the source; `configuration`: the tools' files and the shipped names."""
        config, bundled = configuration or (self._config(), ())
        tools = dagger_runner.toolbox(config, project_requirements)
        base = dagger_runner.with_source(tools, self._source(), self.source_path)
        layout = replace(
            dagger_runner.layout(self.source_path),
            bundled=tuple((name, posixpath.join(dagger_runner.CONFIG_DIR, name)) for name in bundled),
            config_shown=dagger_runner.repository_path(self.config_path, "--config-path"),
        )
        return dagger_runner.ContainerRunner(
            base, config, layout, file_set, incremental=self.incremental, volumes=volumes
        )


async def could_not_run(text: str) -> NoReturn:
    """End the function as a tool that could not run ends locally: exit code 2, the text on stderr.

    The text goes in as a file, so no byte of it is read by a shell; the exec runs in the image the toolbox
    starts from, already pulled by then (or pulled once, when the input was wrong before any tool ran).
    """
    said = dagger_runner.could_not_run(text)
    try:
        await said.sync()
    except dagger.ExecError as failed:
        raise CouldNotRunError(failed) from None
    raise GateError(text)  # the exec cannot succeed; if an engine ever let it, the function still fails


async def _verdict(done: Rendered) -> str:
    """The text when everything passed; otherwise the same text as the function's error, by its exit code."""
    if done.exit_code == EXIT_BROKEN:
        await could_not_run(done.text)
    if done.exit_code == EXIT_FINDINGS:
        raise GateError(done.text)
    return done.text
