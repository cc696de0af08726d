"""The local front door: the same checks, pins and configs as the Dagger module, without Docker.

Argument parsing is args.py, the local setup setup.py; the steps themselves are the application's (app/).
Here: which steps a function takes, and every way it can end as an exit code.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from ..app import run as gate
from ..app.render import rendered
from ..app.review import recording, review_for
from ..baseline import anchors
from ..baseline import command as baseline_command
from ..baseline.file import FILE_NAME as BASELINE_FILE
from ..drivers.common.state import State
from ..findings import EXIT_BROKEN, ToolResult
from ..fix import command as fix_command
from ..functions import drivers, single
from ..local import interrupts
from ..local.interrupts import Interrupted
from ..local.runner import installed_versions
from ..reports import files as report_files
from ..store import StoreError, project_directory
from ..tree import project_root
from .args import COMMAND_PROG, MODULE_PROG, UsageError, parser
from .paths import cache_root, configuration
from .progress import Progress
from .setup import LocalRun, fix_run, set_up


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
    local = set_up(args)
    if args.function == "fix":
        return fix_command.run(fix_run(local, args.yes, contents=not args.no_cache))
    read = baseline_command.reader(Path(local.runner.layout.workdir))
    scopes = anchors.remembered(State(local.project / "scopes", anchors.RECORD_FORMAT))
    if args.function == "baseline":
        recorder = recording(local.prepared.baseline, read, scopes)
        results = run_all(local, recorder, args.quiet)
        return baseline_command.finish(recorder, results, Path(configuration(args.config)) / BASELINE_FILE, args.reset)
    review = review_for(args.function, local.prepared.baseline, read, scopes)
    if args.function in single():
        results = [interrupts.run(_run_check, local, review)]
    else:
        results = run_all(local, review, args.quiet, args.fail_fast and args.function == "run-all")
    done = rendered(args.function, results, args.quiet, args.max_findings)
    print(done.text, flush=True)
    if local.output is not None:
        try:
            tools = drivers(installed_versions([check.name for check in local.checks]))
            print(report_files.write(results, local.output, tools), flush=True)
        except report_files.ReportDirectoryError as error:
            return _fail(f"error: {error}")
    return done.exit_code


def run_all(local: LocalRun, review: gate.Review | None, quiet: bool, fail_fast: bool = False) -> list[ToolResult]:
    """Every check at once, each verdict shown on stderr as it comes (unless quiet), each result reviewed."""
    progress = None if quiet else Progress.on(sys.stderr, [check.name for check in local.checks])
    files = local.prepared.files

    async def work() -> list[ToolResult]:
        return await gate.run_all(
            local.runner, local.checks, fail_fast, local.cache, files, review=review, watch=progress
        )

    return interrupts.run(progress.shown, work) if progress else interrupts.run(work)


async def _run_check(local: LocalRun, review: gate.Review | None) -> ToolResult:
    return await gate.run_check(local.runner, local.checks[0], local.cache, local.prepared.files, review=review)


def _fail(message: str, code: int = EXIT_BROKEN) -> int:
    with contextlib.suppress(OSError):
        print(message, file=sys.stderr, flush=True)
    return code


def _silence_stdout() -> None:
    """After a broken pipe, Python's final flush of stdout would fail again: point it at /dev/null."""
    with contextlib.suppress(OSError, ValueError):
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
