"""The timed sections: rich in full (tools alone, our CLI, run-all cold, unchanged, after edits), and the cold
run-all against the slowest tool on the other code bases."""

from __future__ import annotations

import json
import random
from pathlib import Path

from codebases import RICH, CodeBase, fetch, fresh
from edits import edit, hub, leaf, modules
from measure import TOOLS, Setup, Times, ratio_line, timed


def rich_section(setup: Setup, work: Path, reps: int) -> None:
    """rich: every measurement once per repetition, pairs next to each other, in reverse order every other time."""
    tree = fetch(RICH, work)
    found = modules(tree, RICH.source)
    edited = {"leaf": leaf(found), "hub": hub(found)}
    print(
        f"\n== {RICH.label} ({RICH.shape}); leaf: {edited['leaf'].name}, imported by most: {edited['hub'].name}"
        f" ({edited['hub'].dependents} of {len(found)} modules)",
        flush=True,
    )
    times = Times()
    relinted: dict[str, list[int]] = {}
    for rep in range(1, reps + 1):
        print(f"repetition {rep}/{reps}", flush=True)
        cache_dir = fresh(work / "caches" / "rich-run-all")
        _rich_pairs(setup, work, tree, cache_dir, rep, times)
        run_all = setup.cli("run-all", RICH.source, cache_dir, True)
        times.record("run-all, nothing changed", *timed(run_all, tree, setup.env))
        for kind, module in edited.items():
            edit(tree, module, rep, random.Random(rep))
            times.record(f"run-all after a {kind} edit", *timed(run_all, tree, setup.env))
            relinted.setdefault(kind, []).append(_linted(cache_dir))
    times.table(f"{RICH.label} (seconds)")
    slowest = max(TOOLS, key=lambda tool: times.median(f"direct {tool}"))
    print(f"\nslowest tool alone: {slowest}")
    ratio_line(f"run-all / slowest tool ({RICH.label})", times.paired("run-all, cold", f"direct {slowest}"))
    ratio_line("ours / direct (total)", times.paired("ours, the four summed", "direct, the four summed"))
    ratio_line("unchanged / cold", times.paired("run-all, nothing changed", "run-all, cold"))
    ratio_line("leaf edit / cold", times.paired("run-all after a leaf edit", "run-all, cold"))
    ratio_line("imported-by-most edit / cold", times.paired("run-all after a hub edit", "run-all, cold"))
    for kind, counts in relinted.items():
        print(f"pylint re-linted after a {kind} edit: {counts} of {len(found)} modules")


def _rich_pairs(  # pylint: disable=too-many-arguments,too-many-positional-arguments  # one repetition's context
    setup: Setup, work: Path, tree: Path, cache_dir: Path, rep: int, times: Times
) -> None:
    """Cold run-all, each tool alone and each through our CLI: next to each other, reversed every other time."""
    steps = [("run-all, cold", setup.cli("run-all", RICH.source, cache_dir, True), setup.env)]
    for tool, function in TOOLS.items():
        steps.append((f"direct {tool}", *setup.direct(tree, RICH, tool, work / "caches" / "direct")))
        ours = setup.cli(function, RICH.source, fresh(work / "caches" / f"ours-{tool}"), False)
        steps.append((f"ours {tool} ({function})", ours, setup.env))
    for name, argv, env in steps if rep % 2 else reversed(steps):
        times.record(name, *timed(argv, tree, env))
    times.record("direct, the four summed", *_summed(times, [f"direct {tool}" for tool in TOOLS]))
    times.record("ours, the four summed", *_summed(times, [f"ours {tool} ({name})" for tool, name in TOOLS.items()]))


def cold_section(setup: Setup, work: Path, code_base: CodeBase, reps: int) -> None:
    """Another code base: run-all cold (a first run) against each tool alone, paired per repetition."""
    tree = fetch(code_base, work)
    print(f"\n== {code_base.label} ({code_base.shape})", flush=True)
    times = Times()
    for rep in range(1, reps + 1):
        print(f"repetition {rep}/{reps}", flush=True)
        cache_dir = fresh(work / "caches" / f"{code_base.package}-run-all")
        steps = [("run-all, cold", setup.cli("run-all", code_base.source, cache_dir, True), setup.env)]
        for tool in TOOLS:
            steps.append((f"direct {tool}", *setup.direct(tree, code_base, tool, work / "caches" / "direct")))
        for name, argv, env in steps if rep % 2 else reversed(steps):
            times.record(name, *timed(argv, tree, env))
    times.table(f"{code_base.label} (seconds)")
    slowest = max(TOOLS, key=lambda tool: times.median(f"direct {tool}"))
    print(f"\nslowest tool alone: {slowest}")
    ratio_line(f"run-all / slowest tool ({code_base.label})", times.paired("run-all, cold", f"direct {slowest}"))


def _summed(times: Times, names: list[str]) -> tuple[float, float]:
    return sum(times.seconds[name][-1] for name in names), sum(times.cpu[name][-1] for name in names)


def _linted(cache_dir: Path) -> int:
    """How many modules pylint linted in the last run, from the driver's log in the gate's cache."""
    logs = list(cache_dir.glob("projects/*/tools/pylint/quality-gate-incremental/last-run.json"))
    if not logs:
        return -1
    record = json.loads(logs[0].read_text(encoding="utf-8"))
    return len(record.get("linted", [])) if record.get("mode") == "incremental" else -1
