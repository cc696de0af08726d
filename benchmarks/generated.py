"""Generated trees of many small modules (tests/helpers/generated_tree.py): pylint through the incremental
driver against plain pylint, cold and after a one-line edit, in time and peak memory; then run-all on the
largest tree, whose verdict and peak memory are reported.

Each pair runs next to each other, in reverse order every other repetition. Peak memory is the largest
resident set of the command's processes (the kernel's accounting of the waited-for child, os.wait4).
"""

from __future__ import annotations

import os
import re
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from codebases import fresh
from helpers.generated_tree import generate  # the tests' generator: the benchmark measures the tree they check
from measure import Setup
from quality_gate.drivers import launch as driver

# Modules in the tree -> (packages, modules per package); each package adds its __init__.
SHAPES = {20: (2, 10), 200: (2, 100), 2000: (20, 100), 10000: (100, 100)}
SOURCE = "src"
LARGE = 10000  # from this size on, a repetition takes minutes: --large-reps of them


@dataclass(frozen=True)
class Run:
    """One command: wall and CPU seconds, peak resident memory in MB, exit code, the end of what it said on stderr."""

    seconds: float
    cpu: float  # user and system: what other sessions' load on the machine barely changes
    peak_mb: float
    exit_code: int
    said: str = ""


@dataclass
class Runs:
    """Runs by name, one per repetition, shown as they come."""

    runs: dict[str, list[Run]] = field(default_factory=dict)

    def record(self, name: str, run: Run) -> None:
        """Keep one run and show it."""
        self.runs.setdefault(name, []).append(run)
        shown = f"{run.seconds:8.2f} s  cpu {run.cpu:8.2f} s  peak {run.peak_mb:8.1f} MB  exit {run.exit_code}"
        print(f"  {name:<34} {shown}", flush=True)

    def ratio(self, name: str, other: str, measure: str = "seconds") -> str:
        """The median of the per-repetition ratios of one measure (seconds, cpu, peak_mb), and those ratios."""
        pairs = zip(self.runs[name], self.runs[other], strict=True)
        values = [getattr(mine, measure) / getattr(theirs, measure) for mine, theirs in pairs]
        return f"{statistics.median(values):.3f}  (per repetition: {' '.join(f'{value:.3f}' for value in values)})"

    def median(self, name: str, measure: str) -> float:
        """The median of one measure (seconds, cpu, peak_mb)."""
        return float(statistics.median(getattr(run, measure) for run in self.runs[name]))


def measured(argv: list[str], cwd: Path, env: dict[str, str]) -> Run:
    """Run a command to its end, its output thrown away but for the last lines of its stderr."""
    started = time.perf_counter()
    with subprocess.Popen(argv, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) as process:
        assert process.stderr is not None
        stderr = process.stderr.read()
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
    said = " | ".join(stderr.decode(errors="replace").strip().splitlines()[-3:])
    cpu = usage.ru_utime + usage.ru_stime
    return Run(time.perf_counter() - started, cpu, usage.ru_maxrss / 1024, process.returncode, said)


def pylint_run(argv: list[str], cwd: Path, env: dict[str, str]) -> Run:
    """pylint to its end; a crash (killed, or pylint's fatal or usage bit), not findings, ends the benchmark."""
    run = measured(argv, cwd, env)
    if run.exit_code < 0 or run.exit_code & 1 or run.exit_code & 32:
        raise SystemExit(f"{' '.join(argv[:5])} exited {run.exit_code}: {run.said}")
    return run


def pylint_commands(setup: Setup, tree: Path) -> dict[str, tuple[list[str], dict[str, str]]]:
    """pylint as the gate's check runs it, plainly and through the driver (the local runner's environment)."""
    layout = setup.layout_type(source=SOURCE, config=str(setup.config), workdir=str(tree))
    check = setup.checks["pylint"]
    env = {**setup.env, **setup.tool_environment}
    plain = check.command(layout)
    driven = check.command(layout, incremental=True)
    driver_env = {**env, **driver.environment(str(setup.src), env.get("PYTHONPATH"))}
    return {
        "plain": ([sys.executable, "-P", *plain.argv], env),
        "driver": ([sys.executable, "-P", *driven.argv], driver_env),
    }


def generated_section(setup: Setup, work: Path, sizes: list[int], reps: int, large_reps: int) -> None:
    """Each size: driver and plain pylint, cold and after a leaf edit; run-all on the largest."""
    for size in sizes:
        packages, modules = SHAPES[size]
        tree = fresh(work / "tree" / f"generated-{size}")
        generate(tree / SOURCE, packages, modules)
        leaf = tree / SOURCE / f"p{packages - 1:03d}" / f"m{modules - 1:03d}.py"  # no module imports it
        print(f"\n== generated tree of {size} modules ({packages} packages of {modules}, and their __init__)")
        commands = pylint_commands(setup, tree)
        runs = Runs()
        count = large_reps if size >= LARGE else reps
        for rep in range(1, count + 1):
            print(f"repetition {rep}/{count}", flush=True)
            homes = {mode: fresh(work / "caches" / f"generated-{size}-{mode}") for mode in commands}
            _repetition(commands, homes, leaf, rep, runs)
        _report(size, runs, work)
        if size == max(sizes):
            _run_all(setup, work, tree, runs)


def _repetition(
    commands: dict[str, tuple[list[str], dict[str, str]]], homes: dict[str, Path], leaf: Path, rep: int, runs: Runs
) -> None:
    """Both modes cold, then both after a one-line edit of the leaf; in reverse order every other repetition."""
    tree = leaf.parents[2]
    order = list(commands) if rep % 2 else list(reversed(commands))
    for mode in order:
        argv, env = commands[mode]
        runs.record(f"{mode}, cold", pylint_run(argv, tree, {**env, "PYLINTHOME": str(homes[mode])}))
    _edit(leaf, rep)
    for mode in order:
        argv, env = commands[mode]
        runs.record(f"{mode}, after the edit", pylint_run(argv, tree, {**env, "PYLINTHOME": str(homes[mode])}))


def _edit(path: Path, rep: int) -> None:
    """A one-line edit: the function's docstring says which repetition edited it."""
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r'"""Step (\d+)[^"]*"""', rf'"""Step \1, edit {rep}."""', text), encoding="utf-8")


def _report(size: int, runs: Runs, work: Path) -> None:
    print(f"\n{size} modules (median)                  seconds      cpu  peak MB")
    for name in runs.runs:
        figures = (runs.median(name, measure) for measure in ("seconds", "cpu", "peak_mb"))
        print(f"{name:<34} " + " ".join(f"{figure:8.2f}" for figure in figures))
    disk = {mode: _bytes(work / "caches" / f"generated-{size}-{mode}") for mode in ("driver", "plain")}
    print(f"on disk in PYLINTHOME: driver {disk['driver'] / 1e6:.2f} MB, plain pylint {disk['plain'] / 1e6:.2f} MB")
    pairs = {
        "driver / plain, cold": ("driver, cold", "plain, cold"),
        "driver after the edit / driver cold": ("driver, after the edit", "driver, cold"),
        "driver / plain, after the edit": ("driver, after the edit", "plain, after the edit"),
    }
    for title, (name, other) in pairs.items():
        for measure in ("seconds", "cpu", "peak_mb"):
            print(f"{title + ', ' + measure:<46} {runs.ratio(name, other, measure)}")


def _run_all(setup: Setup, work: Path, tree: Path, runs: Runs) -> None:
    """run-all as a user runs it, cold (fresh caches: pylint through the driver without state), next to run-all
    with plain pylint (`--no-cache`): a peak above pylint's may be another tool's (the largest process counts)."""
    driven = setup.cli("run-all", SOURCE, fresh(work / "caches" / "generated-run-all"), True)
    plain = setup.cli("run-all", SOURCE, fresh(work / "caches" / "generated-run-all-plain"), False)
    plain_peak = runs.median("plain, cold", "peak_mb")
    for title, argv in (("run-all, cold", driven), ("run-all --no-cache (plain pylint)", plain)):
        run = measured(argv, tree, setup.env)
        verdict = {0: "passed", 1: "failed (findings)"}.get(run.exit_code, f"could not run: {run.said}")
        print(
            f"\n{title}: {verdict} in {run.seconds:.1f} s (cpu {run.cpu:.1f} s), peak {run.peak_mb:.1f} MB"
            f" ({run.peak_mb / plain_peak:.2f} x plain pylint's median peak)"
        )


def _bytes(folder: Path) -> int:
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())
