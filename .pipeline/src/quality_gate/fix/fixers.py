"""The explicit fix: ruff's safe fixes, then black, on the source; the only code that ever rewrites it.

Both front doors run these same commands with the same configuration file, on a copy of the source
(a private directory locally, a container in Dagger), and show what changed before anything is written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..checks.base import unrooted
from ..commands import Command, Execution, Layout, Runner, Tool
from ..functions import all_checks

# A fixer's own words for a file it could not read or write: ruff's E902 diagnostic, black's "error:" lines.
COULD_NOT = re.compile(r"^(?P<what>(?:\S+?:\d+:\d+: E902 .*)|(?:error: .*))$", re.MULTILINE)


@dataclass(frozen=True)
class Fixer:
    """A tool run in its rewriting mode, and the exit codes that mean it did its job."""

    tool: Tool
    mode: tuple[str, ...]
    done: frozenset[int]

    def command(self, layout: Layout) -> Command:
        """The rewriting command line, with the same configuration file as the check; the source after `--`."""
        return Command(self.tool, (*self.mode, "--config", self.tool.config_in(layout), "--", layout.source))

    def failure(self, execution: Execution) -> str | None:
        """Why the fix could not be applied, or None when the tool did its job on every file."""
        if execution.error is not None:
            return f"{self.tool.name} could not run: {execution.error}"
        said = COULD_NOT.findall(execution.stdout + "\n" + execution.stderr)
        if said:
            return f"{self.tool.name} could not fix every file: {' | '.join(said[:3])}"
        if execution.exit_code in self.done:
            return None
        lines = (execution.stderr.strip() or execution.stdout.strip()).splitlines()
        return f"{self.tool.name} could not fix (exit code {execution.exit_code}): {' | '.join(lines[-3:])}"


# Every check that can rewrite the source says how (Check.rewrite): ruff's safe fixes, then black.
FIXERS = tuple(
    Fixer(check.tool, rewrite.mode, rewrite.done)
    for rewrite, check in sorted(
        ((check.rewrite, check) for check in all_checks() if check.rewrite is not None), key=lambda pair: pair[0].order
    )
)


async def run_fixers(runner: Runner) -> str | None:
    """Every fixer in turn on the runner's source; the first failure stops the rest and is returned."""
    for fixer in FIXERS:
        failure = fixer.failure(await runner.execute(fixer.command(runner.layout)))
        if failure:
            return unrooted(failure, runner.layout)
    return None
