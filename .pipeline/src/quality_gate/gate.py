"""Runs checks through any runner: one at a time, or all four at once in an anyio task group."""

from __future__ import annotations

import time
from collections.abc import Iterable

import anyio

from .checks import Check
from .execution import Execution, Runner
from .findings import Outcome, ToolResult, Verdict, headline


async def run_check(runner: Runner, check: Check) -> ToolResult:
    """Run one check; anything that goes wrong on the way is reported as the tool not running."""
    started = time.perf_counter()
    execution: Execution | None = None
    try:
        execution = await runner.execute(check.command(runner.layout))
        outcome = check.interpret(execution, runner.layout)  # inside: a reading error must not reach the task group
    except Exception as error:  # pylint: disable=broad-exception-caught  # reported, not swallowed
        outcome = Outcome(Verdict.BROKEN, (), str(error), headline(check.name, Verdict.BROKEN, _describe(error)))
    seconds = time.perf_counter() - started
    if execution is None:
        return ToolResult(check.name, outcome, None, started, seconds)
    return ToolResult(check.name, outcome, execution.exit_code, started, seconds, cached=execution.cached)


async def run_all(runner: Runner, checks: Iterable[Check], fail_fast: bool = False) -> list[ToolResult]:
    """Every check concurrently; by default each runs to its end, with fail_fast the first failure stops the rest."""
    checks = list(checks)
    results: dict[str, ToolResult] = {}
    started = time.perf_counter()

    async with anyio.create_task_group() as group:

        async def one(check: Check) -> None:
            result = await run_check(runner, check)
            results[check.name] = result
            if fail_fast and result.verdict is not Verdict.PASSED:
                group.cancel_scope.cancel()

        for check in checks:
            group.start_soon(one, check)

    return [results.get(check.name) or _cancelled(check.name, started) for check in checks]


def _cancelled(tool: str, started: float) -> ToolResult:
    outcome = Outcome(Verdict.CANCELLED, (), "", headline(tool, Verdict.CANCELLED, "stopped by --fail-fast"))
    return ToolResult(tool, outcome, None, started, time.perf_counter() - started)


def _describe(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return f"{type(error).__name__}: {text[0]}" if text else type(error).__name__
