"""CPU slots: the local runner never has more busy tool processes than CPUs, and pylint's kind goes first."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import anyio
import pytest
from helpers.paths import PIPELINE_SRC
from quality_gate.checks import CHECKS
from quality_gate.commands import Command, Execution, Layout, Tool
from quality_gate.local.runner import LocalRunner
from quality_gate.local.slots import CpuSlots

# A stand-in tool: sleeps, then prints when it ran and how many workers it was told to use.
PROBE = """import json, os, sys, time
started = time.time()
time.sleep(float(sys.argv[1]))
print(json.dumps({"started": started, "ended": time.time(), "workers": os.environ.get("PROBE_WORKERS")}))
"""


@pytest.fixture(name="probe_runner")
def fixture_probe_runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> LocalRunner:
    """A two-CPU local runner that can start the probe as a tool."""
    modules = tmp_path / "modules"
    modules.mkdir()
    (modules / "slot_probe.py").write_text(PROBE, encoding="utf-8")
    monkeypatch.syspath_prepend(str(modules))
    monkeypatch.setenv("PYTHONPATH", str(modules))
    return LocalRunner(Layout(source="src", config=".config", workdir=str(tmp_path)), tmp_path / "cache", cpus=2)


@dataclass(frozen=True)
class Span:
    """When one probe ran, and the workers it was told to use."""

    started: float
    ended: float
    workers: str | None


def probe(name: str, priority: int, seconds: float, workers: bool = False) -> Command:
    """The probe as a tool with this priority; with `workers`, it is told its CPUs as black is."""
    variable = "PROBE_WORKERS" if workers else None
    tool = Tool(name, "slot_probe", f"{name.upper()}_CACHE", "probe.toml", priority, variable)
    return Command(tool, (str(seconds),))


def run_together(runner: LocalRunner, commands: list[Command]) -> dict[str, Span]:
    """Start every command at once, as run-all does; what each probe printed, by name."""
    executions: dict[str, Execution] = {}

    async def main() -> None:
        async with anyio.create_task_group() as group:
            for command in commands:

                async def one(command: Command = command) -> None:
                    executions[command.tool.name] = await runner.execute(command)

                group.start_soon(one)

    anyio.run(main)
    for name, execution in executions.items():
        assert execution.exit_code == 0, (name, execution.stderr)
    return {name: Span(**json.loads(execution.stdout)) for name, execution in executions.items()}


def test_four_tools_on_two_cpus_never_overlap_more_than_two(probe_runner: LocalRunner) -> None:
    """The longest starts at once and keeps its CPU; the rest take turns on the other, shortest first."""
    commands = [probe("longest", 0, 1.2), probe("quick", 1, 0.1), probe("middle", 2, 0.3), probe("multi", 3, 0.3, True)]
    seen = run_together(probe_runner, commands)
    for moment in sorted({edge for span in seen.values() for edge in (span.started, span.ended)}):
        running = [name for name, span in seen.items() if span.started <= moment < span.ended]
        assert len(running) <= 2, (moment, running)
    order = sorted(seen, key=lambda name: seen[name].started)
    assert set(order[:2]) == {"longest", "quick"} and order[2:] == ["middle", "multi"]
    assert seen["quick"].ended <= seen["middle"].started
    assert seen["middle"].ended <= seen["multi"].started
    assert seen["multi"].ended <= seen["longest"].ended  # all of them behind the longest, on the other CPU
    assert seen["multi"].workers == "1"  # the other CPU is the longest's
    assert probe_runner.slots.free == 2


def test_tools_asking_in_run_alls_order_start_by_priority(probe_runner: LocalRunner) -> None:
    """run-all starts pylint, black, mypy, ruff in that order: the free CPU goes to ruff, not to whoever asked first.

    The probes stand in for the real checks, with their priorities and black's workers: what README promises.
    """
    seconds = {"pylint": 0.8, "black": 0.1, "mypy": 0.1, "ruff": 0.1}
    commands = [
        probe(name, check.tool.priority, seconds[name], check.tool.workers_variable is not None)
        for name, check in CHECKS.items()
    ]
    seen = run_together(probe_runner, commands)
    order = sorted(seen, key=lambda name: seen[name].started)
    assert set(order[:2]) == {"pylint", "ruff"}, order  # granted together: which starts first is the OS's call
    assert seen["ruff"].ended <= seen["mypy"].started and seen["mypy"].ended <= seen["black"].started


def test_a_tool_with_workers_gets_every_free_cpu_when_alone(probe_runner: LocalRunner) -> None:
    """`make local-format` alone: black's workers use the whole machine, as black's own default would."""
    seen = run_together(probe_runner, [probe("multi", 3, 0.0, True)])
    assert seen["multi"].workers == "2"


def test_waiters_are_served_by_priority_then_arrival() -> None:
    """With one CPU held, requests queue; a released CPU goes to the lowest priority number, ties by arrival."""
    served: list[str] = []

    async def main() -> None:
        slots = CpuSlots(1)
        async with anyio.create_task_group() as group, slots.hold(0):
            for name, priority in (("c", 3), ("a", 1), ("b", 2), ("a2", 1)):

                async def wait(name: str = name, priority: int = priority) -> None:
                    async with slots.hold(priority):
                        served.append(name)

                group.start_soon(wait)
                await anyio.wait_all_tasks_blocked()
        assert slots.free == 1

    anyio.run(main)
    assert served == ["a", "a2", "b", "c"]


def test_a_cancelled_waiter_leaves_the_queue_and_cpus_come_back() -> None:
    """--fail-fast cancels tools still waiting for a CPU; none may be lost or given to a cancelled task."""
    outcome: dict[str, object] = {}

    async def main() -> None:
        slots = CpuSlots(2)
        async with anyio.create_task_group() as group, slots.hold(0, want=2) as taken:
            outcome["taken alone"] = taken

            async def wait() -> None:
                async with slots.hold(1):
                    outcome["waiter ran"] = True

            group.start_soon(wait)
            await anyio.wait_all_tasks_blocked()
            group.cancel_scope.cancel()
        outcome["free after"] = slots.free
        async with slots.hold(5, want=9) as taken:
            outcome["taken after"] = taken

    anyio.run(main)
    assert outcome == {"taken alone": 2, "free after": 2, "taken after": 2}


def test_usable_cpus_follows_the_affinity_mask() -> None:
    """taskset or a container's cpuset narrows what we may use; os.cpu_count() would still count them all."""
    narrowed = (
        "import os; os.sched_setaffinity(0, {min(os.sched_getaffinity(0))}); "
        "from quality_gate.local.slots import usable_cpus; print(usable_cpus(), os.cpu_count())"
    )
    source = PIPELINE_SRC
    environment = {**os.environ, "PYTHONPATH": str(source)}
    done = subprocess.run([sys.executable, "-c", narrowed], env=environment, capture_output=True, text=True, check=True)
    usable, counted = done.stdout.split()
    assert usable == "1", done.stdout
    assert int(counted) >= 1
