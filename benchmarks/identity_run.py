"""Identity on real code bases: single-module edits, each incremental pylint and black run compared with a full run.

Both are run exactly as the gate's local runner starts them (the check's own arguments, the fixed hash seed):
`python -m quality_gate.drivers.pylint` with its state kept between edits, and `python -m pylint`; then
`python -m quality_gate.drivers.black` with its answers kept, and `python -m black` (fresh cache).
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from codebases import CodeBase, fetch, fresh
from edits import Module, edit, hub, in_cycle, leaf, modules
from measure import Setup
from quality_gate.checks.black import DIFF_HEADER
from quality_gate.drivers import launch as driver
from quality_gate.drivers.identity import differences
from quality_gate.drivers.pylint.linter import STATE_DIR


@dataclass(frozen=True)
class Target:
    """One code base's tree, with the driver's state kept between edits and a home for full runs."""

    setup: Setup
    code_base: CodeBase
    tree: Path
    home: Path
    full_home: Path

    def pylint(self, incremental: bool) -> tuple[int, Any]:
        """pylint as the local runner starts it: exit code and json2 report."""
        layout = self.setup.layout_type(
            source=self.code_base.source, config=str(self.setup.config), workdir=str(self.tree)
        )
        command = self.setup.checks["pylint"].command(layout, incremental=incremental)
        home = self.home if incremental else fresh(self.full_home)
        env = {**self.setup.env, **self.setup.tool_environment, "PYLINTHOME": str(home)}
        if command.uses_driver:
            env.update(driver.environment(str(self.setup.src), env.get("PYTHONPATH")))
        argv = [sys.executable, "-P", *command.argv]
        done = subprocess.run(argv, cwd=self.tree, env=env, capture_output=True, text=True, check=False)
        if not done.stdout.strip():
            raise SystemExit(f"pylint gave no report (exit {done.returncode}): {done.stderr[-500:]}")
        return done.returncode, json.loads(done.stdout)

    def black(self, incremental: bool) -> tuple[int, list[tuple[str, str]], list[str]]:
        """black as the local runner starts it: exit code, each file's diff (header times left out), stderr's
        lines sorted (workers finish in any order)."""
        layout = self.setup.layout_type(
            source=self.code_base.source, config=str(self.setup.config), workdir=str(self.tree)
        )
        command = self.setup.checks["black"].command(layout, incremental=incremental)
        cache = self.home / "black" if incremental else fresh(self.full_home.with_name("full-black"))
        env = {**self.setup.env, **self.setup.tool_environment, "BLACK_CACHE_DIR": str(cache)}
        if command.uses_driver:
            env.update(driver.environment(str(self.setup.src), env.get("PYTHONPATH")))
        argv = [sys.executable, "-P", *command.argv]
        done = subprocess.run(argv, cwd=self.tree, env=env, capture_output=True, text=True, check=False)
        headers = list(DIFF_HEADER.finditer(done.stdout))
        ends = [header.start() for header in headers[1:]] + [len(done.stdout)]
        diffs = sorted((h["path"], done.stdout[h.end() : end]) for h, end in zip(headers, ends, strict=True))
        return done.returncode, diffs, sorted(done.stderr.splitlines())

    def relinted(self) -> int:
        """How many modules the driver's last run linted."""
        record = json.loads((self.home / STATE_DIR / "last-run.json").read_text(encoding="utf-8"))
        return len(record.get("linted", []))


def identity_section(setup: Setup, work: Path, code_base: CodeBase, count: int, rng: random.Random) -> int:
    """COUNT edits of the code base; returns how many gave a result other than the full run's."""
    target = Target(
        setup,
        code_base,
        fetch(code_base, work),
        fresh(work / "caches" / f"{code_base.package}-identity"),
        work / "caches" / "full-pylint",
    )
    found = modules(target.tree, code_base.source)
    _, first = target.pylint(incremental=True)  # the state every edit starts from
    target.black(incremental=True)  # and black's answers
    cycles = [message["message"] for message in first["messages"] if message["messageId"] == "R0401"]
    chosen = _chosen(found, cycles, count, rng)
    print(f"\n== identity on {code_base.label}: {len(chosen)} single-module edits, each compared with a full run")
    failures = 0
    for number, (why, module) in enumerate(chosen, start=1):
        failures += not _one_edit(target, number, f"{why}: {edit(target.tree, module, number, rng)}", len(found))
    print(f"identity on {code_base.label}: {len(chosen) - failures} of {len(chosen)} edits identical to the full run")
    return failures


def _one_edit(target: Target, number: int, said: str, total: int) -> bool:
    """The incremental run after an edit against a full run: True when they give the same result."""
    started = time.perf_counter()
    code, report = target.pylint(incremental=True)
    seconds = time.perf_counter() - started
    full_code, full = target.pylint(incremental=False)
    different = differences(report, full) + ([f"exit {code} != {full_code}"] if code != full_code else [])
    black_differs, black_said = _black(target)
    different += black_differs
    verdict = "identical" if not different else f"DIFFERENT ({len(different)}: {different[:2]})"
    score = full["statistics"]["score"]
    print(f"  {number:2}. {said}", flush=True)
    print(
        f"      re-linted {target.relinted()} of {total} modules in {seconds:.1f} s;"
        f" {len(full['messages'])} messages, score {score:.4f}, exit {full_code};"
        f" {black_said}: {verdict}",
        flush=True,
    )
    return not different


def _black(target: Target) -> tuple[list[str], str]:
    """black through its driver against black itself: what differs, and what to say of the driver's run."""
    started = time.perf_counter()
    incremental = target.black(incremental=True)
    said = f"black {time.perf_counter() - started:.1f} s, {len(incremental[1])} diffs"
    differs = incremental != target.black(incremental=False)
    return (["black's output differs from black's own"] if differs else []), said


def _chosen(found: list[Module], cycles: list[str], count: int, rng: random.Random) -> list[tuple[str, Module]]:
    """A leaf, the module most others import, one in a cycle, then random ones."""
    chosen = [("leaf", leaf(found)), (f"imported by {hub(found).dependents}", hub(found))]
    cyclic = in_cycle(found, cycles)
    if cyclic is not None:
        chosen.append(("in an import cycle", cyclic))
    while len(chosen) < count:
        chosen.append(("random", rng.choice(found)))
    return chosen[:count]
