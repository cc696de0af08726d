"""What every section of the benchmark shares: the setup, timing a command, keeping and judging times."""

from __future__ import annotations

import resource
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from codebases import CodeBase, fresh

TOOLS = {"pylint": "lint", "black": "format", "mypy": "mypy", "ruff": "ruff"}  # tool -> CLI function
TARGETS = {
    "run-all / slowest tool": 1.10,
    "unchanged / cold": 0.10,
    "ours / direct (total)": 1.05,
    "leaf edit / cold": 0.25,
}


@dataclass
class Setup:
    """What every measurement needs: our package, the configuration, the environment."""

    src: Path
    config: Path
    env: dict[str, str]
    tool_environment: dict[str, str]  # what our runners set for every tool (the fixed hash seed)
    checks: dict[str, Any]
    layout_type: Any

    def cli(self, function: str, source: str, cache_dir: Path, result_cache: bool) -> list[str]:
        """Our CLI's command line for one function."""
        common = ["--source", source, "--config", str(self.config), "--cache-dir", str(cache_dir)]
        return [sys.executable, "-m", "quality_gate", function, *common, *([] if result_cache else ["--no-cache"])]

    def direct(self, tree: Path, code_base: CodeBase, tool: str, caches: Path) -> tuple[list[str], dict[str, str]]:
        """A tool called directly, exactly as our check calls it (never through the driver), cold caches."""
        layout = self.layout_type(source=code_base.source, config=str(self.config), workdir=str(tree))
        command = self.checks[tool].command(layout)
        env = {**self.env, **self.tool_environment, command.tool.cache_variable: str(fresh(caches / tool))}
        return [sys.executable, *command.argv], env


@dataclass
class Times:
    """Measurements by name, one value per repetition, shown as they come."""

    seconds: dict[str, list[float]] = field(default_factory=dict)
    cpu: dict[str, list[float]] = field(default_factory=dict)

    def record(self, name: str, seconds: float, cpu: float) -> None:
        """Keep one time and show it at once (a long run shows progress)."""
        self.seconds.setdefault(name, []).append(seconds)
        self.cpu.setdefault(name, []).append(cpu)
        print(f"  {name:<40} {seconds:8.2f} s  cpu {cpu:8.2f} s", flush=True)

    def median(self, name: str) -> float:
        """The median of one measurement."""
        return statistics.median(self.seconds[name])

    def paired(self, name: str, other: str) -> list[float]:
        """Ratios repetition by repetition: the two sides of each ran close together."""
        return [mine / theirs for mine, theirs in zip(self.seconds[name], self.seconds[other], strict=True)]

    def table(self, title: str) -> None:
        """The medians, with min, max and CPU time."""
        print(f"\n{title:<40} {'median':>8} {'min':>8} {'max':>8} {'cpu':>8}")
        for name, values in self.seconds.items():
            cpu = statistics.median(self.cpu[name])
            print(f"{name:<40} {statistics.median(values):8.2f} {min(values):8.2f} {max(values):8.2f} {cpu:8.2f}")


def timed(argv: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, float]:
    """Wall-clock and CPU seconds of one command; its exit code is not judged (findings), a crash is."""
    started, cpu = time.perf_counter(), _children_cpu()
    done = subprocess.run(argv, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
    seconds = time.perf_counter() - started
    module = argv[argv.index("-m") + 1] if "-m" in argv else ""
    if done.returncode not in (0, 1) and not (module == "pylint" and done.returncode < 32):
        tail = done.stderr.decode(errors="replace").strip().splitlines()[-3:]
        raise SystemExit(f"{' '.join(argv[:5])} exited {done.returncode}: {' | '.join(tail)}")
    return seconds, _children_cpu() - cpu


def ratio_line(name: str, values: list[float]) -> float:
    """Print the per-repetition ratios, their median and the target; return the median."""
    value = statistics.median(values)
    target = TARGETS.get(name.split(" (", 1)[0])
    verdict = "" if target is None else f"  target <= {target:.2f}: {'met' if value <= target else 'NOT MET'}"
    shown = " ".join(f"{ratio:.3f}" for ratio in values)
    print(f"{name:<44} {value:8.3f}{verdict}   (per repetition: {shown})")
    return value


def _children_cpu() -> float:
    """CPU time of every waited-for descendant so far: unlike wall time, other people's load barely changes it."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime
