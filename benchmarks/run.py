"""Benchmark of the quality gate's local runner on a pinned real code base (rich 15.0.0 from PyPI).

Usage: .venv/bin/python benchmarks/run.py [--reps 5] [--work DIR]

Measures, in one run and REPS repetitions (medians reported): each tool called directly with the
arguments our checks use (cold caches), the four one after another, each tool through our CLI,
run-all with cold tool caches and with warm tool caches (result cache off), and run-all with nothing
changed (result cache on). Prints a table, the ratios and whether each target is met. Not a test.
"""

from __future__ import annotations

import argparse
import importlib
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tarfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

Command = Any  # quality_gate.runner.Command, imported once --pythonpath is known

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = "rich"
VERSION = "15.0.0"
TOOLS = {"pylint": "lint", "black": "format", "mypy": "mypy", "ruff": "ruff"}  # tool -> CLI function
TARGETS = {"run-all / slowest tool": 1.10, "unchanged / cold": 0.10, "ours / direct (total)": 1.05}


@dataclass
class Bench:  # pylint: disable=too-many-instance-attributes  # setup and results of one run
    """What every measurement needs: the tree, the commands, the environment, and the times so far."""

    tree: Path
    work: Path
    config: Path
    commands: dict[str, Command]
    env: dict[str, str]
    no_cache: bool
    tool_environment: dict[str, str]  # what our runners set for every tool (the fixed hash seed)
    times: dict[str, list[float]] = field(default_factory=dict)
    cpu: dict[str, list[float]] = field(default_factory=dict)

    @property
    def gate(self) -> list[str]:
        """Our CLI on the benchmark's tree, without the function name."""
        return [sys.executable, "-m", "quality_gate"]

    def cli(self, function: str, cache_dir: Path, result_cache: bool) -> list[str]:
        """Our CLI's command line for one function."""
        off = ["--no-cache"] if self.no_cache and not result_cache else []
        common = ["--source", PACKAGE, "--config", str(self.config), "--cache-dir", str(cache_dir)]
        return [*self.gate, function, *common, *off]

    def record(self, name: str, seconds: float, cpu: float | None = None) -> None:
        """Keep one time and show it at once (a long run shows progress)."""
        cpu = LAST_CPU[0] if cpu is None else cpu
        self.times.setdefault(name, []).append(seconds)
        self.cpu.setdefault(name, []).append(cpu)
        print(f"  {name:<34} {seconds:8.2f} s  cpu {cpu:8.2f} s", flush=True)

    def repetition(self, number: int) -> None:
        """Every measurement once, each compared one next to its pair, in reverse order every other time.

        The machine's speed drifts over minutes, so cold run-all runs next to the direct calls, and each tool
        through our CLI next to the same tool called directly; reversing the order cancels a steady drift.
        """
        cache_dir = _fresh(self.work / "caches" / "run-all")
        caches = _fresh(self.work / "caches" / "direct")
        steps: list[tuple[str, list[str], dict[str, str]]] = [
            ("run-all, cold caches", self.cli("run-all", cache_dir, False), self.env)
        ]
        for tool, command in self.commands.items():
            tool_env = {**self.env, **self.tool_environment, command.cache_variable: str(_fresh(caches / tool))}
            steps.append((f"direct {tool}", [sys.executable, *command.argv], tool_env))
            ours = self.cli(TOOLS[tool], _fresh(self.work / "caches" / f"ours-{tool}"), result_cache=False)
            steps.append((f"ours {tool} ({TOOLS[tool]})", ours, self.env))
        for name, argv, env in steps if number % 2 == 1 else reversed(steps):
            self.record(name, timed(argv, self.tree, env))
        direct = [f"direct {tool}" for tool in self.commands]
        total, total_cpu = sum(self.times[name][-1] for name in direct), sum(self.cpu[name][-1] for name in direct)
        self.record("direct, the four summed", total, total_cpu)
        self.record("run-all, warm tool caches", timed(self.cli("run-all", cache_dir, False), self.tree, self.env))
        self.record("run-all, storing results", timed(self.cli("run-all", cache_dir, True), self.tree, self.env))
        self.record("run-all, nothing changed", timed(self.cli("run-all", cache_dir, True), self.tree, self.env))


def main(argv: Sequence[str] | None = None) -> int:
    """Fetch, measure, report."""
    options = _parser().parse_args(argv)
    src_path = Path(options.pythonpath).resolve()
    sys.path.insert(0, str(src_path))
    checks = importlib.import_module("quality_gate.checks").CHECKS
    layout_type = importlib.import_module("quality_gate.runner").Layout

    work = Path(options.work).resolve()
    tree = fetch(work)
    config = Path(options.config).resolve()
    layout = layout_type(source=PACKAGE, config=str(config), workdir=str(tree))
    env = {**os.environ, "PYTHONPATH": str(src_path), "PYTHONDONTWRITEBYTECODE": "1"}
    commands = {tool: checks[tool].command(layout) for tool in TOOLS}
    tool_environment = importlib.import_module("quality_gate.runner").TOOL_ENVIRONMENT
    bench = Bench(tree, work, config, commands, env, _supports_no_cache(env, tree), tool_environment)
    print(_machine(), flush=True)
    print(f"config: {config}", flush=True)
    if not bench.no_cache:
        print("note: this CLI has no --no-cache: the result cache is not wired in; 'unchanged' = warm", flush=True)
    for rep in range(1, options.reps + 1):
        print(f"repetition {rep}/{options.reps}", flush=True)
        bench.repetition(rep)
    report(bench.times, bench.cpu)
    print(f"load average at the end {' '.join(f'{value:.2f}' for value in os.getloadavg())}")
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reps", type=int, default=5, help="repetitions; medians are reported (default 5)")
    default_work = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "quality-gate-bench"
    parser.add_argument("--work", default=str(default_work), help=f"download, tree and caches (default {default_work})")
    parser.add_argument("--config", default=str(ROOT / ".config"), help="the tools' configuration (default .config)")
    parser.add_argument("--pythonpath", default=str(ROOT / ".pipeline" / "src"), help="where quality_gate is")
    return parser


def fetch(work: Path) -> Path:
    """The pinned sdist from PyPI, downloaded once into WORK and unpacked afresh for every benchmark run."""
    downloads = work / "downloads"
    archive = downloads / f"{PACKAGE}-{VERSION}.tar.gz"
    if not archive.is_file():
        downloads.mkdir(parents=True, exist_ok=True)
        pip = [sys.executable, "-m", "pip", "download", "--no-binary", ":all:", "--no-deps", f"{PACKAGE}=={VERSION}"]
        subprocess.run([*pip, "--dest", str(downloads)], check=True)
    trees = _fresh(work / "tree")
    with tarfile.open(archive) as sdist:
        sdist.extractall(trees, filter="data")
    return trees / f"{PACKAGE}-{VERSION}"


LAST_CPU = [0.0]  # CPU seconds (user + system, all descendants) of the last timed command


def timed(argv: list[str], cwd: Path, env: dict[str, str]) -> float:
    """Wall-clock seconds of one command; its exit code is not judged (rich has findings), a crash is."""
    started, cpu = time.perf_counter(), _children_cpu()
    done = subprocess.run(argv, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
    seconds = time.perf_counter() - started
    LAST_CPU[0] = _children_cpu() - cpu
    if done.returncode not in (0, 1) and not (argv[2] == "pylint" and done.returncode < 32):
        tail = done.stderr.decode(errors="replace").strip().splitlines()[-3:]
        raise SystemExit(f"{' '.join(argv[:4])} exited {done.returncode}: {' | '.join(tail)}")
    return seconds


def report(times: dict[str, list[float]], cpu: dict[str, list[float]]) -> None:
    """The table of medians, then the ratios against their targets."""
    median = {name: statistics.median(values) for name, values in times.items()}
    _table(times, cpu)
    slowest = max(TOOLS, key=lambda tool: median[f"direct {tool}"])
    cold = median["run-all, cold caches"]
    paired = _paired(times["run-all, cold caches"], times[f"direct {slowest}"])
    ratios = {
        "run-all / slowest tool": statistics.median(paired),
        "run-all / slowest tool (medians)": cold / median[f"direct {slowest}"],
        "run-all / one after another": cold / median["direct, the four summed"],
        "unchanged / cold": median["run-all, nothing changed"] / cold,
        "warm tool caches / cold": median["run-all, warm tool caches"] / cold,
    }
    for tool, function in TOOLS.items():
        ratios[f"ours / direct ({tool})"] = median[f"ours {tool} ({function})"] / median[f"direct {tool}"]
    overhead = _paired(_ours_summed(times), times["direct, the four summed"])
    ratios["ours / direct (total)"] = statistics.median(overhead)
    print(f"\nslowest tool alone: {slowest}")
    print(f"run-all / slowest tool, per repetition: {' '.join(f'{value:.3f}' for value in paired)} (median judged)")
    print(f"ours / direct (total), per repetition: {' '.join(f'{value:.3f}' for value in overhead)} (median judged)")
    for name, value in ratios.items():
        target = TARGETS.get(name)
        verdict = "" if target is None else f"  target <= {target:.2f}: {'met' if value <= target else 'NOT MET'}"
        print(f"{name:<34} {value:8.3f}{verdict}")


def _table(times: dict[str, list[float]], cpu: dict[str, list[float]]) -> None:
    print(f"\n{'measurement (seconds)':<34} {'median':>8} {'min':>8} {'max':>8} {'cpu':>8}")
    for name, values in times.items():
        middle, cpu_middle = statistics.median(values), statistics.median(cpu[name])
        print(f"{name:<34} {middle:8.2f} {min(values):8.2f} {max(values):8.2f} {cpu_middle:8.2f}")


def _ours_summed(times: dict[str, list[float]]) -> list[float]:
    """The four tools through our CLI, summed per repetition."""
    ours = [times[f"ours {tool} ({function})"] for tool, function in TOOLS.items()]
    return [sum(per_tool) for per_tool in zip(*ours, strict=True)]


def _paired(ours: list[float], theirs: list[float]) -> list[float]:
    """Ratios repetition by repetition: the two sides of each ran one right after the other."""
    return [mine / other for mine, other in zip(ours, theirs, strict=True)]


def _children_cpu() -> float:
    """CPU time of every waited-for descendant so far: unlike wall time, other people's load barely changes it."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _supports_no_cache(env: dict[str, str], cwd: Path) -> bool:
    usage = subprocess.run(
        [sys.executable, "-m", "quality_gate", "--help"], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )
    return "--no-cache" in usage.stdout


def _fresh(path: Path) -> Path:
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    return path


def _machine() -> str:
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = " ".join(f"{value:.2f}" for value in os.getloadavg())
    return (
        f"machine: {os.cpu_count()} CPUs ({model}), Python {platform.python_version()}, {platform.system()}"
        f" {platform.release()}; load average at start {load}"
    )


if __name__ == "__main__":
    raise SystemExit(main())
