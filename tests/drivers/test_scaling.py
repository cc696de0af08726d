"""The driver on many modules: its state and its work grow with the modules, not with their pairs or their
closures, what it stores is checked before it is used, and a tree too big for it gets a plain pylint run."""

# Test names say what each test proves.
# pylint: disable=missing-function-docstring

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from helpers.generated_tree import generate
from helpers.paths import CONFIG
from helpers.pylint_runs import Tree
from quality_gate.checks import CHECKS
from quality_gate.commands import Execution, Layout
from quality_gate.drivers.identity import differences
from quality_gate.drivers.pylint.linter import STATE_DIR

# A module of the generated tree that no other imports, and one of the core package that many import.
LEAF, CORE = "src/p002/m011.py", "src/p000/m000.py"


def generated(tmp_path: Path, packages: int, modules: int, name: str = "project") -> Tree:
    tree = Tree(tmp_path / name, tmp_path / f"{name}-pylint-home", source="src")
    generate(tree.root / "src", packages, modules, findings=True)
    return tree


def state_sizes(tree: Tree) -> list[int]:
    return [path.stat().st_size for path in (tree.home / STATE_DIR / "modules").glob("*.json")]


def test_the_generated_tree_gives_a_full_runs_result_after_a_leaf_edit_and_a_core_edit(tmp_path: Path) -> None:
    tree = generated(tmp_path, 3, 12)
    cold, _ = tree.same_as_full()
    assert {message["symbol"] for message in cold.report["messages"]} >= {"unused-variable"}
    assert len(tree.last_run()["linted"]) == 3 * 13
    tree.write({LEAF: (tree.root / LEAF).read_text(encoding="utf-8") + "\n\ndef extra(value):\n    return value\n"})
    tree.same_as_full()
    assert tree.last_run()["linted"] == ["p002.m011"]
    tree.write({CORE: (tree.root / CORE).read_text(encoding="utf-8").replace("return value", "return value + 1")})
    tree.same_as_full()
    assert "p000.m001" in tree.last_run()["linted"]


def test_the_state_grows_with_the_modules_not_with_their_pairs(tmp_path: Path) -> None:
    """duplicate-code compares every pair of modules; the driver used to store each pair's answer (273 MB for
    2,000 modules, and the memory to match). Twice the modules must take about twice the state, no entry bigger."""
    small, large = generated(tmp_path, 2, 15, "small"), generated(tmp_path, 4, 15, "large")
    small.same_as_full()
    large.same_as_full()
    assert sum(state_sizes(large)) < 2.3 * sum(state_sizes(small))
    assert max(state_sizes(large)) < 1.2 * max(state_sizes(small))


# Counts the bytes the driver's digest() reads and writes the count on exit (the driver ends with os._exit).
COUNT_HASHED = """
import os
from quality_gate.drivers.common import hashing
original, hashed = hashing.digest, [0]
def digest(parts):
    parts = list(parts)
    hashed[0] += sum(len(part) for part in parts)
    return original(parts)
hashing.digest = digest
from quality_gate.drivers.pylint import __main__ as start
leave = start.leave
def counted_leave(done):
    with open(os.environ["HASHED_COUNT"], "w", encoding="utf-8") as file:
        file.write(str(hashed[0]))
    leave(done)
start.leave = counted_leave
"""


def chain(tmp_path: Path, length: int) -> Tree:
    """A package whose modules import each other in one long chain: each one's closure holds all before it."""
    tree = Tree(tmp_path / f"chain-{length}", tmp_path / f"chain-{length}-home")
    files = {"pkg/__init__.py": '"""A package."""\n', "pkg/m0000.py": '"""First."""\n\nVALUE = 0\n'}
    for number in range(1, length):
        files[f"pkg/m{number:04d}.py"] = (
            f'"""Link {number}."""\n\nfrom pkg import m{number - 1:04d}\n\nVALUE = m{number - 1:04d}.VALUE + 1\n'
        )
    tree.write(files)
    return tree


def hashed_bytes(tree: Tree, monkeypatch: pytest.MonkeyPatch) -> int:
    count = tree.root.with_name(tree.root.name + "-hashed")
    monkeypatch.setenv("HASHED_COUNT", str(count))
    tree.run(True, prelude=COUNT_HASHED)
    return int(count.read_text(encoding="utf-8"))


def test_keying_reads_each_module_once_not_once_per_importer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A module's key covers its closure; hashing each closure whole made keying grow with the square of a chain's
    length (18 s of a cold run on 2,000 modules). Twice the chain must cost about twice the hashing."""
    short, long = hashed_bytes(chain(tmp_path, 100), monkeypatch), hashed_bytes(chain(tmp_path, 200), monkeypatch)
    assert long < 2.5 * short


# Lowers the stored entries' limit, as if the tree had more modules than the state's limit allows for.
FEW_ENTRIES = "from quality_gate.drivers.common import state\nstate.MAX_ENTRIES = 10\n"


def test_a_tree_with_more_entries_than_the_limit_keeps_every_modules_result(tmp_path: Path) -> None:
    """A result and an import scan per module: 10,000 modules need 20,000 entries, over the 8,192 kept. Pruning to
    the limit deleted results the next run needed, and an unchanged tree was linted again."""
    tree = generated(tmp_path, 2, 10)
    tree.run(True, prelude=FEW_ENTRIES)
    tree.run(True, prelude=FEW_ENTRIES)
    assert tree.last_run()["linted"] == []


def emptied(_result: dict[str, Any]) -> dict[str, Any]:
    return {}


def mistyped(result: dict[str, Any]) -> dict[str, Any]:
    """Every field of every kind of entry kept, each holding a value of another shape."""
    wrong: dict[str, Any] = {
        "messages": [{"messageId": "Z0000"}],
        "statements": "many",
        "loads": [["pkg"]],
        "contribution": {"linesets": [{"name": 1}]},
        "names": [1],
        "scan": {"names": "pkg"},
        "pairs": {"first second": [[1]]},
    }
    return {field: wrong.get(field, value) for field, value in result.items()}


@pytest.mark.parametrize("forge", [emptied, mistyped])
def test_a_forged_entry_with_a_valid_key_is_a_miss(tmp_path: Path, forge: Callable[[Any], Any]) -> None:
    """Every stored entry (results, import scans, the writers) rewritten under its own valid key and format: each
    is recomputed, and the run gives a full run's result (it used to end in a KeyError traceback, every run)."""
    tree = generated(tmp_path, 2, 10)
    tree.same_as_full()
    for path in (tree.home / STATE_DIR / "modules").glob("*.json"):
        record = json.loads(path.read_text(encoding="utf-8"))
        path.write_text(json.dumps({**record, "result": forge(record["result"])}), encoding="utf-8")
    tree.same_as_full()
    assert len(tree.last_run()["linted"]) == 2 * 11
    tree.same_as_full()
    assert tree.last_run()["linted"] == []


# Lowers the number of modules the driver takes, as if the tree were bigger than it measured itself for.
FEW_MODULES = "from quality_gate.drivers.pylint import plan\nplan.MAX_MODULES = 5\n"


def test_a_tree_too_big_for_the_driver_gets_a_plain_run_and_the_user_is_told(tmp_path: Path) -> None:
    """Over the driver's limit, pylint runs in full with nothing kept: a full run's report, the reason in
    last-run.json, and a line on stderr that the gate's pylint check puts in pylint's summary line."""
    tree = generated(tmp_path, 2, 10)
    run, full = tree.run(True, prelude=FEW_MODULES), tree.run(False)
    assert differences(run.report, full.report) == []
    assert run.exit_code == full.exit_code
    reason = "22 modules, more than the 5 its incremental driver takes"
    assert tree.last_run() == {"mode": "full", "reason": reason}
    assert not (tree.home / STATE_DIR / "modules").exists()
    assert run.stderr == f"quality-gate: pylint ran in full: {reason}\n"
    layout = Layout(source=tree.source, config=str(CONFIG), workdir=str(tree.root))
    outcome = CHECKS["pylint"].interpret(Execution(run.exit_code, json.dumps(run.report), run.stderr, 1.0), layout)
    assert outcome.headline == f"pylint failed: 4 findings, rated 9.39/10; pylint ran in full: {reason}"
