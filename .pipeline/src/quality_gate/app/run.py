"""Runs checks through any runner: one at a time, or all four at once in an anyio task group."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Collection, Iterable
from dataclasses import replace
from typing import Protocol

import anyio

from ..checks import Check
from ..commands import Execution, Runner
from ..findings import Outcome, ToolResult, Verdict
from ..local.result_cache import ResultCache

# What the project accepts of a result (its baseline, see baseline/review.py): it may turn findings into a pass.
Review = Callable[[ToolResult], Awaitable[ToolResult]]


class Watch(Protocol):
    """What the front door shows as tools start and end (progress on a terminal or in a log)."""

    def started(self, tool: str) -> None:
        """The tool's check has started."""

    def finished(self, result: ToolResult) -> None:
        """The tool's result, as reviewed: its verdict is the one that counts."""


async def run_check(
    runner: Runner,
    check: Check,
    cache: ResultCache | None = None,
    files: Collection[str] | None = None,
    *,
    review: Review | None = None,
) -> ToolResult:
    """Run one check; anything that goes wrong on the way is reported as the tool not running.

    With a cache, a stored execution stands in for the run, and a run is stored unless the tool could not
    run. With the project's Python files known, a check that would be given none does not run at all. With a
    review, the result is the one it returns.
    """
    started = time.perf_counter()
    execution: Execution | None = None
    try:
        if files is not None and not any(path.endswith(check.suffixes) for path in files):
            outcome = _nothing_to_check(check, runner.layout.source)
        else:
            command = check.command(runner.layout, incremental=runner.incremental)
            key = cache.key(command) if cache else ""
            execution = cache.get(key) if cache else None
            if execution is None:
                execution = await runner.execute(command)
            outcome = check.interpret(execution, runner.layout)  # inside: a reading error must not reach the group
            if cache and not execution.cached and outcome.verdict in {Verdict.PASSED, Verdict.FAILED}:
                cache.keep(key, execution)
    except Exception as error:  # pylint: disable=broad-exception-caught  # reported, not swallowed
        outcome = Outcome.ended(check.name, Verdict.BROKEN, _describe(error), output=str(error))
    seconds = time.perf_counter() - started
    exit_code = None if execution is None else execution.exit_code
    result = ToolResult(check.name, outcome, exit_code, started, seconds, cached=bool(execution and execution.cached))
    result = replace(result, config=check.tool.config_used(runner.layout))
    return await _reviewed(result, review) if review else result


async def _reviewed(result: ToolResult, review: Review) -> ToolResult:
    """The reviewed result; a review that fails leaves the tool as could not run, with why."""
    try:
        return await review(result)
    except Exception as error:  # pylint: disable=broad-exception-caught  # reported, not swallowed
        reason = f"its findings could not be set against the baseline: {_describe(error)}"
        outcome = Outcome.ended(result.tool, Verdict.BROKEN, reason, result.findings, str(error))
        return ToolResult(result.tool, outcome, result.exit_code, result.started, result.seconds, config=result.config)


async def run_all(  # pylint: disable=too-many-arguments  # past `files`, the optional parts, named at every call
    runner: Runner,
    checks: Iterable[Check],
    fail_fast: bool = False,
    cache: ResultCache | None = None,
    files: Collection[str] | None = None,
    *,
    review: Review | None = None,
    watch: Watch | None = None,
) -> list[ToolResult]:
    """Every check concurrently; by default each runs to its end, with fail_fast the first failure stops the rest.

    Each result is reviewed (when a review is given) before fail_fast and the watch see it.
    """
    checks = list(checks)
    results: dict[str, ToolResult] = {}
    started = time.perf_counter()

    async with anyio.create_task_group() as group:

        async def one(check: Check) -> None:
            if watch:
                watch.started(check.name)
            result = await run_check(runner, check, cache, files, review=review)
            results[check.name] = result
            if watch:
                watch.finished(result)
            if fail_fast and result.verdict is not Verdict.PASSED:
                group.cancel_scope.cancel()

        for check in checks:
            group.start_soon(one, check)

    for check in checks:
        if check.name not in results:
            results[check.name] = _cancelled(check.name, started, check.tool.config_used(runner.layout))
            if watch:
                watch.finished(results[check.name])
    return [results[check.name] for check in checks]


def _cancelled(tool: str, started: float, config: str) -> ToolResult:
    outcome = Outcome.ended(tool, Verdict.CANCELLED, "stopped by --fail-fast")
    return ToolResult(tool, outcome, None, started, time.perf_counter() - started, config=config)


def _nothing_to_check(check: Check, source: str) -> Outcome:
    """The same answer for every tool given no file of its kind: it could not run, it did not pass."""
    kinds = " or ".join(check.suffixes)
    reason = f"no {kinds} file to check in {source} (environments, caches and non-regular files are not checked)"
    return Outcome.ended(check.name, Verdict.BROKEN, reason)


def _describe(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return f"{type(error).__name__}: {text[0]}" if text else type(error).__name__
