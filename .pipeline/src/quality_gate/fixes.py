"""The explicit fix: ruff's safe fixes, then black, on the source; the only code that ever rewrites it."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from .checks import CHECKS
from .execution import Command, Execution, Layout


@dataclass(frozen=True)
class Fixer:
    """A tool run in its rewriting mode, and the exit codes that mean it did its job."""

    tool: str
    mode: tuple[str, ...]
    done: frozenset[int]

    def command(self, layout: Layout) -> Command:
        """The rewriting command line, with the same configuration as the check."""
        check = CHECKS[self.tool]
        args = (*self.mode, "--config", check.config_path(layout), layout.source)
        return dataclasses.replace(check.command(layout), args=args)

    def failure(self, execution: Execution) -> str | None:
        """Why the fix could not be applied, or None when the tool did its job."""
        if execution.error is not None:
            return f"{self.tool} could not run: {execution.error}"
        if execution.exit_code in self.done:
            return None
        said = (execution.stderr.strip() or execution.stdout.strip()).splitlines()
        return f"{self.tool} could not fix (exit code {execution.exit_code}): {' | '.join(said[-3:])}"


# ruff first (it may remove or reorder imports), black last so that its layout is final.
# ruff exits 1 when findings that it cannot fix remain: the fix itself still succeeded.
FIXERS = (
    Fixer("ruff", ("check", "--fix", "--output-format=concise"), frozenset({0, 1})),
    Fixer("black", ("--quiet",), frozenset({0})),
)
