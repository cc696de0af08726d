"""The local front door: the same checks, pins and configs as the Dagger module, without Docker."""

from __future__ import annotations

import argparse
import contextlib
import math
import os
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from .. import defaults, inputs
from ..app import run as gate
from ..baseline import anchors
from ..baseline import command as baseline_command
from ..baseline.file import FILE_NAME as BASELINE_FILE
from ..baseline.file import Baseline, BaselineError, load, repeats_note
from ..baseline.review import Anchoring, Review
from ..checks import Check
from ..checks.config import unconfigured
from ..commands import TOOL_REQUIREMENTS, Layout, file_set_digest
from ..drivers.common.state import State
from ..errors import QualityGateError
from ..findings import EXIT_BROKEN, ToolResult, exit_code
from ..fix import command as fix_command
from ..functions import ALL_TOOLS, all_checks, check_for, drivers, single
from ..local import interrupts, project_env, tools_env
from ..local.interrupts import Interrupted
from ..local.result_cache import ResultCache
from ..local.runner import DEFAULT_TIMEOUT, LocalRunner, installed_versions
from ..reports import files as report_files
from ..reports import summary
from ..store import ResultStore, StoreError, private_directory, project_directory
from ..tree import Snapshot, project_root
from .progress import Progress


class UsageError(QualityGateError):
    """Bad input from the user: said in one line with what to do, never as a traceback."""


# How the user started the gate, for its usage line: the installed command, or the module (`make self-check`).
MODULE_PROG = "python -P -m quality_gate"
COMMAND_PROG = "quality-gate"


def parser(prog: str = MODULE_PROG) -> argparse.ArgumentParser:
    """The command line, with the same names as the Dagger functions."""
    top = argparse.ArgumentParser(prog=prog, description=__doc__)
    top.add_argument("function", choices=[*single(), *ALL_TOOLS], help="what to run")
    top.add_argument("--source", default="src", help="directory to check (default: src)")
    top.add_argument(
        "--config",
        default=None,
        help="directory of the tools' configuration (default: .config); a file it lacks is the gate's shipped one",
    )
    top.add_argument("--fail-fast", action="store_true", help="run-all: stop the other tools at the first failure")
    top.add_argument(
        "--cache-dir", default=None, help="where the tools keep their caches (default: ~/.cache/quality-gate)"
    )
    top.add_argument("--no-cache", action="store_true", help="always run the tools, ignoring stored results")
    top.add_argument("--output", default="reports", help="report: directory for the report files (default: reports)")
    top.add_argument(
        "--timeout",
        type=_seconds,
        default=DEFAULT_TIMEOUT,
        help=f"seconds a tool may run before it is stopped as 'could not run' (default: {DEFAULT_TIMEOUT:g})",
    )
    top.add_argument("--yes", action="store_true", help="fix: apply without asking (without a terminal it never asks)")
    top.add_argument("--undo", action="store_true", help="fix: put back the files the last fix changed")
    top.add_argument(
        "--reset", action="store_true", help="baseline: record every current finding (default: only drop fixed ones)"
    )
    top.add_argument("--quiet", action="store_true", help="print only the table of verdicts and the verdict")
    shown = top.add_mutually_exclusive_group()
    shown.add_argument(
        "--max-findings",
        type=summary.finding_limit,
        default=summary.DEFAULT_LIMIT,
        metavar="N",
        help=f"findings printed per tool; the reports keep all (default: {summary.DEFAULT_LIMIT})",
    )
    shown.add_argument("--all", dest="max_findings", action="store_const", const=None, help="print every finding")
    top.add_argument("--debug", action="store_true", help="show a traceback for an unexpected error")
    return top


@dataclass(frozen=True)
class Plan:
    """Everything a run needs, checked before any tool starts."""

    runner: LocalRunner
    checks: list[Check]
    snapshot: Snapshot
    cache: ResultCache | None
    output: Path | None  # where `report` writes, known to be writable
    project: Path  # this project's private directory in the cache
    baseline: Baseline | None  # the committed baseline, when the project has one


def console() -> int:
    """The installed command, `quality-gate` (the package's console script): the same arguments as the module."""
    return main(prog=COMMAND_PROG)


def main(argv: Sequence[str] | None = None, prog: str = MODULE_PROG) -> int:
    """Run one function; exit 0 passed, 1 findings, 2 could not run (or bad input, or an error of ours)."""
    args = parser(prog).parse_args(argv)
    interrupts.install()
    try:
        return run(args)
    except UsageError as error:
        return _fail(f"error: {error}")
    except Interrupted as stop:
        return _fail(f"interrupted by {stop.name}: every tool was stopped", stop.exit_code)
    except KeyboardInterrupt:
        return _fail("interrupted: every tool was stopped", 128 + 2)
    except BrokenPipeError:
        _silence_stdout()
        return _fail("error: the output was closed before the end (broken pipe)")
    except Exception as error:  # pylint: disable=broad-exception-caught  # one line, not a traceback
        if args.debug:
            raise
        return _fail(f"error: unexpected {type(error).__name__}: {error} (run with --debug for details)")


def run(args: argparse.Namespace) -> int:
    """The function the user asked for, once its input is known to be usable."""
    if args.function == "fix" and args.undo:
        root = project_root(Path.cwd())
        try:
            project = project_directory(cache_root(args.cache_dir), root)
        except StoreError as error:
            raise UsageError(str(error)) from None
        return fix_command.undo_last(project, root)
    plan = prepare(args)
    if args.function == "fix":
        return fix_command.run(fix_run(plan, args))
    read = baseline_command.reader(Path(plan.runner.layout.workdir))
    scopes = anchors.remembered(State(plan.project / "scopes", anchors.RECORD_FORMAT))
    if args.function == "baseline":
        recording = Review(plan.baseline, read, scopes)
        results = run_all(plan, recording, args.quiet)
        return baseline_command.finish(recording, results, Path(configuration(args)) / BASELINE_FILE, args.reset)
    # Code Quality fingerprints hash where each finding lies: `report` reads its files even without a baseline.
    review = (
        Review(plan.baseline, read, scopes)
        if plan.baseline
        else Anchoring(read, scopes) if args.function == "report" else None
    )
    if args.function in {"run-all", "report"}:
        results = run_all(plan, review, args.quiet, args.fail_fast and args.function == "run-all")
        print(summary.brief(results) if args.quiet else summary.overall(results, args.max_findings), flush=True)
        if plan.output is not None:
            try:
                tools = drivers(installed_versions([check.name for check in plan.checks]))
                print(report_files.write(results, plan.output, tools), flush=True)
            except report_files.ReportDirectoryError as error:
                return _fail(f"error: {error}")
    else:
        files = plan.snapshot.python_files()
        results = [interrupts.run(_run_check, plan, files, review)]
        shown = results[0].outcome.headline if args.quiet else summary.single(results[0], args.max_findings)
        print(shown, flush=True)
    return exit_code(results)


def run_all(plan: Plan, review: gate.Review | None, quiet: bool, fail_fast: bool = False) -> list[ToolResult]:
    """Every check at once, each verdict shown on stderr as it comes (unless quiet), each result reviewed."""
    progress = None if quiet else Progress.on(sys.stderr, [check.name for check in plan.checks])
    files = plan.snapshot.python_files()

    async def work() -> list[ToolResult]:
        return await gate.run_all(plan.runner, plan.checks, fail_fast, plan.cache, files, review=review, watch=progress)

    return interrupts.run(progress.shown, work) if progress else interrupts.run(work)


async def _run_check(plan: Plan, files: list[str], review: gate.Review | None) -> ToolResult:
    return await gate.run_check(plan.runner, plan.checks[0], plan.cache, files, review=review)


def prepare(args: argparse.Namespace) -> Plan:
    """The layout, the configuration, the caches and the project's snapshot; a UsageError for bad input."""
    root = project_root(Path.cwd())
    checks = [check_for(args.function)] if args.function in single() else all_checks()  # fix: all, to verify
    config = configuration(args)
    where = replace(layout(root, args.source, config, args.config is not None), bundled=bundled(config))
    require_configs(config, checks, where)
    pins = Path(dict(where.bundled).get(TOOL_REQUIREMENTS) or Path(config, TOOL_REQUIREMENTS))
    try:
        tools_env.check(pins)
    except tools_env.EnvironmentMismatchError as error:
        raise UsageError(str(error)) from None
    # `baseline --reset` records anew, whatever the old file holds: it is what a corrupt file's error says to run.
    committed = None if args.function == "baseline" and args.reset else committed_baseline(Path(config))
    try:
        output = report_files.check_output(Path(args.output)) if args.function == "report" else None
        project = project_directory(cache_root(args.cache_dir), root)
        snapshot = Snapshot.take(root, where.source, contents=not args.no_cache)
        if not snapshot.python_files():
            raise UsageError(inputs.no_python_file("--source", args.source))
        where = replace(where, ignored=snapshot.ignored())
        environment = project_env.prepare(Path(config), pins, project, args.timeout)
        cache = None if args.no_cache else result_cache(project, snapshot, where, environment)
    except QualityGateError as error:
        raise UsageError(str(error)) from None
    file_set = file_set_digest(snapshot.python_files())
    runner = LocalRunner(
        where,
        project / "tools",
        timeout=args.timeout,
        file_set=file_set,
        python=str(environment.python) if environment else sys.executable,
        incremental=not args.no_cache,
    )
    return Plan(runner, checks, snapshot, cache, output, project, committed)


def committed_baseline(config: Path) -> Baseline | None:
    """The baseline in the configuration directory, if there is one; a UsageError when it cannot be read."""
    path = config / BASELINE_FILE
    if not path.exists():
        return None
    try:
        baseline = load(path.read_bytes(), str(path))
    except OSError as error:
        raise UsageError(f"cannot read {path}: {error.strerror}") from None
    except BaselineError as error:
        raise UsageError(str(error)) from None
    note = repeats_note(baseline, str(path))
    if note:
        print(note, file=sys.stderr, flush=True)
    return baseline


def result_cache(
    project: Path, snapshot: Snapshot, where: Layout, environment: project_env.ProjectEnvironment | None
) -> ResultCache:
    """The store of this project's results, seen through this run's snapshot."""
    config_files = frozenset(check.tool.config_file for check in all_checks())
    tools_site = (str(environment.site_packages),) if environment else ()
    store = ResultStore(project / "results")
    return ResultCache(store, snapshot, where, config_files, frozenset({BASELINE_FILE}), tools_site)


def fix_run(plan: Plan, args: argparse.Namespace) -> fix_command.FixRun:
    """What `fix` needs: the plan, where its copy and undo record go, and how to look at the project again."""
    where = plan.runner.layout

    def look_again() -> tuple[Snapshot, ResultCache | None]:
        snapshot = Snapshot.take(Path(where.workdir), where.source, contents=not args.no_cache)
        return snapshot, None if plan.cache is None else replace(plan.cache, snapshot=snapshot)

    fix_dir = private_directory(plan.project / "fix")
    return fix_command.FixRun(plan.runner, all_checks(), plan.snapshot, plan.cache, fix_dir, args.yes, look_again)


def configuration(args: argparse.Namespace) -> str:
    """The configuration folder: the one given, else the project's .config/ (which may not exist)."""
    return defaults.FOLDER if args.config is None else str(args.config)


def layout(root: Path, source: str, config: str, config_given: bool = True) -> Layout:
    """Paths as the tools see them from the project's root, where they run: findings read `src/x.py` as in CI.

    A configuration folder given must be there; the default one may be missing: the shipped files stand in.
    """
    for name, value in (("--source", source), ("--config", config)):
        if not value.strip():
            raise UsageError(
                f"{name} is empty; pass the directory to check from the project's root ({name} DIR), or "
                f"{name} . for the whole project"
                if name == "--source"
                else f"{name} is empty; pass the directory of the tools' configuration ({name} DIR)"
            )
        if not Path(value).is_dir() and (name == "--source" or config_given):
            raise UsageError(inputs.not_a_directory(name, value, "here (run the gate from your project's root)"))
    source_path = Path(source).resolve()
    if not source_path.is_relative_to(root):
        raise UsageError(
            f"--source {source!r} is outside the project's root {root} (the repository, or the current directory "
            "outside one); run the gate from the project that holds it"
        )
    config_path = Path(config).resolve()
    config_shown = config_path.relative_to(root).as_posix() if config_path.is_relative_to(root) else str(config_path)
    return Layout(source=source_path.relative_to(root).as_posix() or ".", config=config_shown or ".", workdir=str(root))


def bundled(config: str) -> tuple[tuple[str, str], ...]:
    """The shipped files standing in for those the configuration folder lacks, by name, with their paths."""
    names = [TOOL_REQUIREMENTS, *(check.tool.config_file for check in all_checks())]
    return tuple((name, str(defaults.path(name))) for name in names if not (Path(config) / name).is_file())


def require_configs(config: str, checks: Sequence[Check], where: Layout) -> None:
    """The project's own configuration files must configure their tools (the shipped ones do)."""
    own = [check for check in checks if check.tool.config_file not in dict(where.bundled)]
    problem = unconfigured(config, own, _config_texts(config, own))
    if problem:
        raise UsageError(problem)


def _config_texts(config: str, checks: Sequence[Check]) -> dict[str, str]:
    """The config files that can be read; one that cannot is left to its tool, which says why."""
    texts = {}
    for check in checks:
        with contextlib.suppress(OSError):
            texts[check.tool.config_file] = (Path(config) / check.tool.config_file).read_text(
                encoding="utf-8", errors="replace"
            )
    return texts


def cache_root(option: str | None) -> Path:
    """The tools' persistent caches; outside the source so that checks never write into it."""
    if option:
        return Path(option).resolve()
    if os.environ.get("XDG_CACHE_HOME"):
        return Path(os.environ["XDG_CACHE_HOME"]) / "quality-gate"
    if os.environ.get("HOME"):
        return Path(os.environ["HOME"]) / ".cache" / "quality-gate"
    # No home (a bare container user): a directory of this user's own under the system's temporary directory.
    user = os.getuid() if hasattr(os, "getuid") else "user"
    return Path(tempfile.gettempdir()) / f"quality-gate-{user}"


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError("the time limit must be a number of seconds above 0")
    return value


def _fail(message: str, code: int = EXIT_BROKEN) -> int:
    with contextlib.suppress(OSError):
        print(message, file=sys.stderr, flush=True)
    return code


def _silence_stdout() -> None:
    """After a broken pipe, Python's final flush of stdout would fail again: point it at /dev/null."""
    with contextlib.suppress(OSError, ValueError):
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
