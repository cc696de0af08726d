"""`python -P -m quality_gate.pylint_incremental <pylint's arguments>`: pylint, reusing unchanged modules' results."""

from __future__ import annotations

import sys

import pylint
from pylint.lint import Run

from .linter import IncrementalLinter


class IncrementalRun(Run):
    """pylint's own Run (options, rcfile, reporters, score, exit code) with the incremental linter."""

    LinterClass = IncrementalLinter


def main() -> None:
    """As `python -m pylint` does: sys.path tidied the same way, then the run (which exits)."""
    pylint.modify_sys_path()
    try:
        IncrementalRun(sys.argv[1:])
    except KeyboardInterrupt:
        sys.exit(1)


if __name__ == "__main__":
    main()
