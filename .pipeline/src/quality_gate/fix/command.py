"""`fix` at the command line: preview, ask (or --yes), write, verify; and `fix --undo`.

Exit codes as for the checks: 0 nothing left to do (fixed and verified, or nothing to fix), 1 changes
shown but not written (no terminal to ask on and no --yes, or the answer was no), 2 the fix could not be
applied or made something worse (a fixer failed, a file would no longer compile, a file could not be
written, or a tool has a finding it did not have before).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..app import run as gate
from ..checks import Check
from ..findings import EXIT_BROKEN, EXIT_FINDINGS, EXIT_PASSED, ToolResult
from ..local import interrupts
from ..local.interrupts import Interrupted
from ..local.result_cache import ResultCache
from ..local.runner import LocalRunner
from ..store import private_directory
from ..tree import Snapshot
from . import local as local_fix
from . import undo, verify

UNDO_HINT = "`quality-gate fix --undo` (make local-fix-undo) puts every file back"


@dataclass(frozen=True)
class FixRun:  # pylint: disable=too-many-instance-attributes  # what the command line prepared, one field a part
    """What the command line prepared for a fix; `look_again` gives the result cache over a new snapshot."""

    runner: LocalRunner
    checks: list[Check]
    snapshot: Snapshot
    files: list[str]  # the source's Python files, as the run prepared them (a fix changes no file's name)
    cache: ResultCache | None
    fix_dir: Path
    yes: bool
    look_again: Callable[[], ResultCache | None]


def say(text: str) -> None:
    """Progress on stdout, flushed at once (the user may be waiting at a prompt)."""
    print(text, flush=True)


def undo_last(project: Path, root: Path) -> int:
    """`fix --undo`: the last fix's originals back, bytes and mode; exit 2 when some file had changed since."""
    try:
        done = undo.restore(private_directory(project / "fix" / "undo"), root)
    except undo.UndoError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_BROKEN
    say(f"fix --undo: {len(done.restored)} file(s) restored" + _names(done.restored))
    if done.left:
        print(
            f"error: {len(done.left)} file(s) changed since the fix, left as they are: {', '.join(done.left)}",
            file=sys.stderr,
        )
        return EXIT_BROKEN
    return EXIT_PASSED


def run(fix: FixRun) -> int:
    """The whole fix; see the module's docstring for the exit codes."""
    layout = fix.runner.layout
    found = interrupts.run(local_fix.preview, fix.snapshot, layout, fix.fix_dir, fix.runner.timeout)
    if found.failure:
        print(f"error: {found.failure}; nothing was written", file=sys.stderr)
        return EXIT_BROKEN
    diff = found.diff()
    if diff:
        print(diff, end="", flush=True)
    for link in found.links:
        say(f"fix: {link} is a link or lies behind one: skipped (fix never writes through a link)")
    if not found.changes:
        say("fix: nothing to fix")
        return EXIT_PASSED
    paths = [change.path for change in found.changes]
    say(f"fix: {len(paths)} file(s) would change" + _names(paths))
    problems = [f"{error} (after the fix)" for error in found.compile_errors]
    problems += found.unwritable(Path(layout.workdir))
    if problems:
        print("error: nothing was written: " + "; ".join(problems), file=sys.stderr)
        return EXIT_BROKEN
    if not (fix.yes or _confirmed(len(paths))):
        say("fix: nothing was written; run `fix --yes` (make local-fix YES=1) to apply")
        return EXIT_FINDINGS
    before = interrupts.run(gate.run_all, fix.runner, fix.checks, False, fix.cache, fix.files)
    done = local_fix.Application()
    try:
        local_fix.apply(Path(layout.workdir), private_directory(fix.fix_dir / "undo"), list(found.changes), done)
    except (Interrupted, KeyboardInterrupt):
        say(f"fix: interrupted after writing {len(done.written)} of {len(paths)} file(s)" + _names(done.written))
        say(f"fix: each file is whole, as it was or as fixed; {UNDO_HINT}")
        raise
    except local_fix.WriteError as error:
        print(f"error: could not write {error.path} ({error.reason}); {_written(done, paths)}", file=sys.stderr)
        return EXIT_BROKEN
    return _report(done, paths, before, fix)


def _written(done: local_fix.Application, paths: Sequence[str]) -> str:
    """What a fix stopped by an error had written, and how to put it back."""
    if not done.written:
        return "nothing was written"
    return f"{len(done.written)} of {len(paths)} file(s) were written{_names(done.written)}; {UNDO_HINT}"


def _report(done: local_fix.Application, paths: Sequence[str], before: list[ToolResult], fix: FixRun) -> int:
    say(f"fix: {len(done.written)} file(s) changed" + _names(done.written))
    if done.changed_since:
        print(f"error: changed since the preview, left as they are: {', '.join(done.changed_since)}", file=sys.stderr)
    cache = fix.look_again()
    after = interrupts.run(gate.run_all, fix.runner, fix.checks, False, cache, fix.files)
    verified = verify.compare(before, after)
    say("verify: every changed file compiles; findings before and after the fix:\n" + verified.text())
    if verified.worse:
        print(f"error: the fix made things worse (see above); {UNDO_HINT}", file=sys.stderr)
        return EXIT_BROKEN
    if done.changed_since:
        return EXIT_BROKEN
    say(f"fix verified: no tool has a finding it did not have before ({len(paths)} file(s) fixed)")
    return EXIT_PASSED


def _confirmed(count: int) -> bool:
    """Ask on the terminal; without one there is nobody to answer, so nothing is written."""
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        return False
    try:
        answer = input(f"Apply these changes to {count} file(s)? [y/N] ")
    except EOFError:
        return False
    return answer.strip().lower() in {"y", "yes"}


def _names(paths: Sequence[str]) -> str:
    return f": {', '.join(paths)}" if paths else ""
