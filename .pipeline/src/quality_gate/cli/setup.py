"""The local run set up over what the application prepared: the tools' environment, caches and runner."""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, replace
from pathlib import Path

import anyio

from .. import defaults
from ..app.prepare import PathOption, Prepared, Request, prepare
from ..baseline.file import FILE_NAME as BASELINE_FILE
from ..checks import Check
from ..commands import TOOL_REQUIREMENTS, Layout
from ..errors import QualityGateError
from ..fix import command as fix_command
from ..functions import all_checks, check_for, single
from ..local import project_env, tools_env
from ..local.result_cache import ResultCache
from ..local.runner import LocalRunner
from ..reports import files as report_files
from ..store import ResultStore, private_directory, project_directory
from ..tree import Snapshot, project_root
from .args import UsageError
from .paths import cache_root, configuration, layout, require_given
from .repository import LocalRepository


@dataclass(frozen=True)
class LocalRun:
    """Everything a local run needs, checked before any tool starts."""

    runner: LocalRunner
    checks: list[Check]
    snapshot: Snapshot
    cache: ResultCache | None
    output: Path | None  # where `report` writes, known to be writable
    project: Path  # this project's private directory in the cache
    prepared: Prepared  # the source's Python files, the committed baseline (if any)


def set_up(args: argparse.Namespace) -> LocalRun:
    """The application's preparation, then the local parts; a UsageError for bad input."""
    root = project_root(Path.cwd())
    checks = [check_for(args.function)] if args.function in single() else all_checks()  # fix: all, to verify
    config = configuration(args.config)
    ready, snapshot = _prepared(args, root, config, checks)
    shipped = tuple((name, str(defaults.path(name))) for name in ready.bundled)
    where = replace(layout(root, args.source, config), bundled=shipped, ignored=snapshot.ignored())
    pins = Path(dict(where.bundled).get(TOOL_REQUIREMENTS) or Path(config, TOOL_REQUIREMENTS))
    try:
        tools_env.check(pins)
    except tools_env.EnvironmentMismatchError as error:
        raise UsageError(str(error)) from None
    try:
        output = report_files.check_output(Path(args.output)) if args.function == "report" else None
        project = project_directory(cache_root(args.cache_dir), root)
        environment = project_env.prepare(Path(config), pins, project, args.timeout)
        cache = None if args.no_cache else result_cache(project, snapshot, where, environment)
    except QualityGateError as error:
        raise UsageError(str(error)) from None
    runner = LocalRunner(
        where,
        project / "tools",
        timeout=args.timeout,
        file_set=ready.file_set,
        python=str(environment.python) if environment else sys.executable,
        incremental=not args.no_cache,
    )
    return LocalRun(runner, checks, snapshot, cache, output, project, ready)


def _prepared(args: argparse.Namespace, root: Path, config: str, checks: list[Check]) -> tuple[Prepared, Snapshot]:
    """The application's preparation over the disk, and the snapshot it took of the project."""
    require_given(args.source, config)
    repository = LocalRepository(root, contents=not args.no_cache)
    request = Request(
        PathOption("--source", args.source, args.source),
        PathOption("--config", config, config),
        config_default=args.config is None,
        checks=checks,
        committed=not (args.function == "baseline" and args.reset),  # --reset records anew, whatever the old file
    )
    try:
        ready = anyio.run(prepare, repository, request)  # the disk answers at once: nothing to interrupt
    except QualityGateError as error:
        raise UsageError(str(error)) from None
    assert repository.snapshot is not None, "python_files took it"
    return ready, repository.snapshot


def result_cache(
    project: Path, snapshot: Snapshot, where: Layout, environment: project_env.ProjectEnvironment | None
) -> ResultCache:
    """The store of this project's results, seen through this run's snapshot."""
    config_files = frozenset(check.tool.config_file for check in all_checks())
    tools_site = (str(environment.site_packages),) if environment else ()
    store = ResultStore(project / "results")
    return ResultCache(store, snapshot, where, config_files, frozenset({BASELINE_FILE}), tools_site)


def fix_run(local: LocalRun, yes: bool, contents: bool) -> fix_command.FixRun:
    """What `fix` needs: the run, where its copy and undo record go, and how to look at the project again."""
    where = local.runner.layout

    def look_again() -> ResultCache | None:
        if local.cache is None:
            return None
        return replace(local.cache, snapshot=Snapshot.take(Path(where.workdir), where.source, contents=contents))

    fix_dir = private_directory(local.project / "fix")
    return fix_command.FixRun(
        local.runner, all_checks(), local.snapshot, local.prepared.files, local.cache, fix_dir, yes, look_again
    )
