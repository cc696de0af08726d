"""Benchmark of the quality gate's local runner on pinned real code bases (rich, requests, werkzeug from PyPI).

Usage: .venv/bin/python benchmarks/run.py [--reps 3] [--edits 10] [--sections speed generated identity]
       [--sizes 20 200 2000 10000] [--large-reps 1] [--work DIR]

In one run, REPS repetitions, medians of paired ratios:
- rich: each tool called directly with the arguments our checks use (cold caches), each through our CLI,
  run-all cold (a first run: fresh caches, result cache on), with nothing changed, and after a one-module
  edit of a leaf and of the module most others import (incremental pylint);
- requests and werkzeug: run-all cold against each tool called directly;
- generated trees of 20 to 10,000 small modules: pylint through the incremental driver against plain pylint,
  cold and after a one-line edit, time and peak memory; run-all on the largest;
- identity: EDITS single-module edits of rich (a leaf, the most imported module, one in an import cycle, then
  random ones) and a few of the others, each incremental pylint run compared with a full run.
Prints tables, the ratios and whether each target is met. Not a test.
"""

from __future__ import annotations

import argparse
import importlib
import os
import platform
import random
import sys
from collections.abc import Sequence
from pathlib import Path

from codebases import CODEBASES, RICH
from measure import Setup

ROOT = Path(__file__).resolve().parents[1]


def main(argv: Sequence[str] | None = None) -> int:
    """Fetch, measure, report."""
    options = _parser().parse_args(argv)
    src = Path(options.pythonpath).resolve()
    sys.path.insert(0, str(src))
    setup = Setup(
        src,
        Path(options.config).resolve(),
        {**os.environ, "PYTHONPATH": str(src), "PYTHONDONTWRITEBYTECODE": "1"},
        importlib.import_module("quality_gate.commands").TOOL_ENVIRONMENT,
        importlib.import_module("quality_gate.checks").CHECKS,
        importlib.import_module("quality_gate.commands").Layout,
    )
    work = Path(options.work).resolve()
    stolen = Steal()
    print(_machine(), flush=True)
    print(f"config: {setup.config}; code bases: {', '.join(base.label for base in CODEBASES)}", flush=True)
    sys.path.insert(1, str(ROOT / "tests"))  # the generated tree's generator is the tests' (helpers)
    sections = importlib.import_module("sections")  # these import quality_gate: once --pythonpath is on sys.path
    identity_run = importlib.import_module("identity_run")
    generated = importlib.import_module("generated")
    failures = 0
    if "speed" in options.sections:
        sections.rich_section(setup, work, options.reps)
        for code_base in CODEBASES[1:]:
            sections.cold_section(setup, work, code_base, options.reps)
    if "generated" in options.sections:
        generated.generated_section(setup, work, options.sizes, options.reps, options.large_reps)
    if "identity" in options.sections:
        failures += identity_run.identity_section(setup, work, RICH, options.edits, random.Random(options.seed))
        for code_base in CODEBASES[1:]:
            edits = options.other_edits
            failures += identity_run.identity_section(setup, work, code_base, edits, random.Random(options.seed))
    print(f"\nload average at the end {' '.join(f'{value:.2f}' for value in os.getloadavg())}")
    print(f"CPU time stolen by other virtual machines during the run: {stolen.share():.1%} of the CPUs' time")
    return 1 if failures else 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reps", type=int, default=3, help="repetitions; medians are reported (default 3)")
    parser.add_argument("--edits", type=int, default=10, help="identity: edits of rich (default 10)")
    parser.add_argument("--other-edits", type=int, default=3, help="identity: edits of each other code base")
    parser.add_argument("--seed", type=int, default=16, help="the random edits' seed (default 16)")
    parser.add_argument(
        "--sections",
        nargs="+",
        choices=("speed", "generated", "identity"),
        default=["speed", "generated", "identity"],
        help="what to run",
    )
    parser.add_argument(
        "--sizes",
        nargs="+",
        type=int,
        choices=(20, 200, 2000, 10000),
        default=[20, 200, 2000, 10000],
        help="generated: the trees' numbers of modules (default all)",
    )
    parser.add_argument("--large-reps", type=int, default=1, help="generated: repetitions of 10,000 modules (1)")
    default_work = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "quality-gate-bench"
    parser.add_argument("--work", default=str(default_work), help=f"downloads, trees, caches (default {default_work})")
    parser.add_argument("--config", default=str(ROOT / ".config"), help="the tools' configuration (default .config)")
    parser.add_argument("--pythonpath", default=str(ROOT / ".pipeline" / "src"), help="where quality_gate is")
    return parser


class Steal:  # pylint: disable=too-few-public-methods  # one reading, then one share
    """Time the hypervisor gave to other machines (steal in /proc/stat): a load that `ps` and load averages miss."""

    def __init__(self) -> None:
        self.start = self._read()

    @staticmethod
    def _read() -> tuple[int, int]:
        try:
            fields = [int(value) for value in Path("/proc/stat").read_text(encoding="utf-8").split()[1:9]]
        except (OSError, ValueError):
            return 0, 0
        return fields[7], sum(fields)

    def share(self) -> float:
        """Stolen time since the start, as a share of all CPU time."""
        steal, total = self._read()
        return (steal - self.start[0]) / max(1, total - self.start[1])


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
