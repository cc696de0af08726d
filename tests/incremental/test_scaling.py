"""The driver on many modules: its state and its work grow with the modules, not with their pairs or their
closures, what it stores is checked before it is used, and a tree too big for it gets a plain pylint run."""

# Test names say what each test proves.
# pylint: disable=missing-function-docstring

from __future__ import annotations

from pathlib import Path

from helpers.generated_tree import generate
from helpers.pylint_runs import Tree
from quality_gate.pylint_incremental.linter import STATE_DIR

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
