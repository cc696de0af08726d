"""run_all over the local runner and the real tools: concurrency, the summary, fail-fast, errors kept per tool."""

# Test names say what each test proves.
# pylint: disable=missing-function-docstring

from __future__ import annotations

import dataclasses
import re
import time
from collections.abc import Callable
from pathlib import Path

import anyio
import pytest
from helpers.paths import TOOLS
from helpers.processes import Process, left_in_sessions, tool_children
from helpers.runners import Canned, RaisesFor
from helpers.tree_runs import TreeRun, layout
from quality_gate.app import run as gate
from quality_gate.commands import Command, Execution
from quality_gate.findings import Verdict
from quality_gate.functions import all_checks
from quality_gate.local import runner as local_runner
from quality_gate.local.runner import LocalRunner
from quality_gate.reports import summary

ROW = re.compile(
    r"^(?P<tool>\S+)\s{2,}(?P<verdict>\S.*?)\s{2,}(?P<findings>\d+)\s{2,}(?P<seconds>\d+\.\d\d)\s{2,}(?P<config>\S.*)$"
)


def test_the_four_overlap_in_time(cache_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Given a CPU each, every tool's process started before any of them ended: they ran at the same time.

    Timed around each process, once its CPU slot is granted: a tool still waiting for a slot has not started
    (with one slot they would take turns, and this fails)."""
    spans: dict[str, tuple[float, float]] = {}
    real_run_process = local_runner.run_process

    async def timed(argv: list[str], cwd: str, env: dict[str, str]) -> tuple[int, str, str]:
        started = time.perf_counter()
        try:
            return await real_run_process(argv, cwd, env)
        finally:
            spans[" ".join(argv)] = (started, time.perf_counter())

    monkeypatch.setattr(local_runner, "run_process", timed)
    runner = LocalRunner(layout("clean"), cache_root, cpus=len(TOOLS))
    results = anyio.run(gate.run_all, runner, all_checks())
    assert [r.verdict for r in results] == [Verdict.PASSED] * len(TOOLS), [r.outcome.headline for r in results]
    assert len(spans) == len(TOOLS), list(spans)
    last_start = max(start for start, _ in spans.values())
    first_end = min(end for _, end in spans.values())
    assert last_start < first_end, spans


def test_default_runs_every_tool_to_its_end(gate_run: Callable[[str], TreeRun]) -> None:
    """ruff fails first on this tree; pylint, slower, still runs to its end and reports."""
    run = gate_run("ruff_only")
    assert Verdict.CANCELLED not in {r.verdict for r in run.results}
    assert all(r.exit_code is not None for r in run.results)
    assert run["pylint"].started + run["pylint"].seconds > run["ruff"].started + run["ruff"].seconds


@pytest.mark.parametrize("name", ["syntax_error", "clean", "mypy_only"])
def test_summary_table_and_sections(gate_run: Callable[[str], TreeRun], name: str) -> None:
    """A row per tool (tool, verdict, number of findings, seconds, config), then each failing tool's whole output."""
    results = gate_run(name).results
    text = summary.overall(results)
    lines = text.splitlines()
    assert lines[0].split() == ["tool", "verdict", "findings", "seconds", "config"]
    rows = [ROW.match(line) for line in lines[1:5]]
    assert all(rows), lines[1:5]
    assert [(row["tool"], row["verdict"], int(row["findings"])) for row in rows if row] == [
        (r.tool, r.verdict.value, len(r.findings)) for r in results
    ]
    failing = [r for r in results if r.verdict in {Verdict.FAILED, Verdict.BROKEN}]
    for result in results:
        section = f"===== {result.tool} =====\n{result.outcome.output.rstrip()}\n{result.outcome.headline}"
        assert (section in text) == (result in failing), result.tool
    if failing:
        assert lines[-1] == "gate failed: " + ", ".join(f"{r.tool} ({r.verdict.value})" for r in failing)
    else:
        assert lines[-1] == "gate passed: pylint, black, mypy, ruff passed"


class RuffFailsFirst:  # pylint: disable=too-few-public-methods  # a Runner
    """The real tools, ordered so that ruff fails while the others are busy.

    pylint checks the (larger) project's own code, over ten seconds; ruff starts once pylint runs;
    black and mypy linger after their real run.
    """

    incremental = False  # keeps no state: every tool runs plainly

    def __init__(self, inner: LocalRunner) -> None:
        self.inner = inner
        self.layout = inner.layout
        self.running_when_ruff_failed: list[Process] = []
        self.ruff_failed_at = 0.0

    async def execute(self, command: Command) -> Execution:
        """Run the command for real, in the order described above."""
        if command.tool.name == "ruff":
            with anyio.fail_after(30):
                while not tool_children(("pylint",)):
                    await anyio.sleep(0.02)
            execution = await self.inner.execute(command)
            self.running_when_ruff_failed = tool_children()
            self.ruff_failed_at = time.perf_counter()
            return execution
        if command.tool.name == "pylint":
            slow = tuple(".pipeline/src" if arg == self.layout.source else arg for arg in command.args)
            return await self.inner.execute(dataclasses.replace(command, args=slow))
        execution = await self.inner.execute(command)
        await anyio.sleep(30)  # cancelled long before
        return execution


def test_fail_fast_cancels_the_rest_and_leaves_no_child(cache_root: Path) -> None:
    """The others are cancelled, pylint's process group is killed at once (not waited for), nothing remains."""
    # Four CPU slots, whatever this machine has: the test is about cancellation, not about who waits for a CPU.
    runner = RuffFailsFirst(LocalRunner(layout("ruff_only"), cache_root, cpus=4))
    results = anyio.run(gate.run_all, runner, all_checks(), True)
    returned_after = time.perf_counter() - runner.ruff_failed_at
    assert tool_children() == [], "a tool outlived run_all"
    killed = runner.running_when_ruff_failed
    assert any("-m pylint " in process.cmdline for process in killed), "pylint was not running"
    assert left_in_sessions({process.session for process in killed}) == [], "a tool's worker outlived it"
    assert returned_after < 3, f"run_all returned {returned_after:.1f}s after ruff failed: pylint was waited for"
    assert {r.tool: r.verdict for r in results} == {
        "pylint": Verdict.CANCELLED,
        "black": Verdict.CANCELLED,
        "mypy": Verdict.CANCELLED,
        "ruff": Verdict.FAILED,
    }
    for result in results[:3]:
        assert result.outcome.headline == f"{result.tool} cancelled: stopped by --fail-fast"
    text = summary.overall(results)
    assert text.endswith("gate failed: ruff (failed)")
    assert "PTH110" in text


@pytest.mark.parametrize("fail_fast", [False, True])
def test_runner_error_is_that_tools_verdict(cache_root: Path, fail_fast: bool) -> None:
    """No exception group reaches the caller: the tool could not run, the others are reported."""
    runner = RaisesFor(LocalRunner(layout("clean"), cache_root), "mypy")
    results = anyio.run(gate.run_all, runner, all_checks(), fail_fast)
    assert tool_children() == []
    by_tool = {r.tool: r for r in results}
    assert by_tool["mypy"].verdict is Verdict.BROKEN
    assert by_tool["mypy"].outcome.headline == "mypy could not run: ConnectionError: engine connection lost"
    others = {by_tool[tool].verdict for tool in ("pylint", "black", "ruff")}
    assert others == ({Verdict.CANCELLED} if fail_fast else {Verdict.PASSED})
    assert summary.overall(results).endswith("gate failed: mypy (could not run)")


def test_unreadable_output_is_could_not_run() -> None:
    unreadable = Canned(Execution(0, '{"messages": [], "statistics": []}', "", 0.0))  # no pylint writes this
    results = anyio.run(gate.run_all, unreadable, all_checks()[:1])
    assert [(r.tool, r.verdict) for r in results] == [("pylint", Verdict.BROKEN)]
