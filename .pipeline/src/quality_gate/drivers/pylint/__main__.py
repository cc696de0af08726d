"""`python -P -m quality_gate.drivers.pylint <pylint's arguments>`: pylint, reusing unchanged modules' results."""

from __future__ import annotations

import gc
import os
import sys
from typing import NoReturn

import pylint
from pylint.lint import Run

from . import DRIVER_ROOT_VARIABLE
from .linter import IncrementalLinter


class IncrementalRun(Run):  # pylint: disable=too-few-public-methods  # Run does its work in __init__
    """pylint's own Run (options, rcfile, reporters, score, exit code) with the incremental linter."""

    LinterClass = IncrementalLinter


def without_driver_root() -> None:
    """sys.path and PYTHONPATH as `python -m pylint` would have them: the entry the runner added for us removed."""
    root = os.environ.pop(DRIVER_ROOT_VARIABLE, None)
    if root is None:
        return
    if root in sys.path:
        sys.path.remove(root)
    path = os.environ.get("PYTHONPATH", "")
    if path == root:
        del os.environ["PYTHONPATH"]
    elif path.startswith(root + os.pathsep):
        os.environ["PYTHONPATH"] = path[len(root) + 1 :]


# astroid keeps millions of objects alive for the whole run; with CPython's default (a collection every 2,000
# allocations) the cyclic collector traversed them so often that it took a fifth of a run on rich (a one-module
# run: 3.6 s against 2.8 s; a full one: 11.7 against 9.8). mypy raises its thresholds to the same values for
# the same reason (mypy/build.py). Only when collection happens changes, never what pylint reports.
GC_THRESHOLDS = (200_000, 30, 30)


def main() -> None:
    """As `python -m pylint` does: sys.path tidied the same way, then the run (which exits)."""
    gc.set_threshold(*GC_THRESHOLDS)
    without_driver_root()
    pylint.modify_sys_path()
    try:
        IncrementalRun(sys.argv[1:])
    except KeyboardInterrupt:
        sys.exit(1)
    except SystemExit as done:
        leave(done)


def leave(done: SystemExit) -> NoReturn:
    """Exit as `sys.exit` would, without tearing the interpreter down.

    After a run, astroid holds millions of objects; the interpreter's final collection and module cleanup take
    about as long as a one-module run itself (rich: 2.1 of 5.4 s). Every file the run wrote is closed by now,
    so only the standard streams need flushing; no atexit handler of pylint's is skipped that matters here.
    """
    code = done.code
    if code is not None and not isinstance(code, int):
        print(code, file=sys.stderr)
        code = 1
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):  # a closed or broken stream: what python itself would report as a failure
        code = 120
    os._exit(code or 0)


if __name__ == "__main__":
    main()
