"""The package's shape holds: no import runs back down-to-up between its features, and no module imports in a circle.

The floors are the ones docs/internals.md draws ("What may import what"): a module imports only what stands on
its own floor or below, and the two front doors (cli/, container/) never import each other.
"""

from __future__ import annotations

import ast
import graphlib
from pathlib import Path

import pytest
from helpers.paths import PIPELINE_SRC

PACKAGE = PIPELINE_SRC / "quality_gate"

# Bottom to top: each feature (a package of quality_gate, or one of its top-level modules) and its floor.
FLOORS: list[set[str]] = [
    {"findings", "commands", "defaults", "inputs", "errors", "disk", "store", "drivers", "reports"},
    {"checks", "tree"},
    {"functions", "local", "baseline"},
    {"app"},
    {"fix"},
    {"cli", "container"},
    {"__init__", "__main__"},
]
FRONT_DOORS = {"cli", "container"}


def modules() -> dict[str, Path]:
    """Dotted name of every module of the package -> its file."""
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PIPELINE_SRC).with_suffix("").parts
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def imports(name: str, path: Path, known: dict[str, Path]) -> set[str]:
    """The package's modules this one imports, anywhere in it (a lazy import inside a function counts)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name in known}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{anchor}.{base}".rstrip(".")
            if base in known:
                found.add(base)
            found |= {f"{base}.{alias.name}" for alias in node.names if f"{base}.{alias.name}" in known}
    # A package's parents are imported before it in any case; naming one (`from .. import x`) is not an arrow up.
    return {target for target in found if not name.startswith(f"{target}.")} - {name}


def graph() -> dict[str, set[str]]:
    """Every module of the package -> the modules of the package it imports."""
    known = modules()
    return {name: imports(name, path, known) for name, path in known.items()}


def feature(name: str) -> str:
    """The feature a module belongs to: its package under quality_gate, or itself when it stands at the top."""
    parts = name.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def floor(name: str) -> int:
    """The floor of the module's feature, counted from the ground."""
    return next(index for index, features in enumerate(FLOORS) if feature(name) in features)


def test_every_feature_has_a_floor() -> None:
    """A package or top-level module added without a floor would escape the check."""
    named = set().union(*FLOORS)
    assert {feature(name) for name in modules()} <= named, "a new package or top-level module: give it a floor"


def test_no_module_imports_in_a_circle() -> None:
    """Module by module, lazy imports included."""
    try:
        tuple(graphlib.TopologicalSorter(graph()).static_order())
    except graphlib.CycleError as circle:
        pytest.fail(f"an import circle: {' -> '.join(circle.args[1])}")


def upward(arrows: dict[str, set[str]]) -> list[str]:
    """The arrows that run from a lower floor to a higher one, or from one front door to the other."""
    return [
        f"{name} -> {target}"
        for name, targets in arrows.items()
        for target in sorted(targets)
        if floor(target) > floor(name)
        or (feature(name) in FRONT_DOORS and feature(target) in FRONT_DOORS - {feature(name)})
    ]


def test_no_import_runs_back_up() -> None:
    """Feature by feature, by the floors above."""
    assert not upward(graph()), "imports from a lower floor to a higher one (docs/internals.md)"


def test_the_check_sees_an_upward_import() -> None:
    """The control: the package's own graph, plus a driver importing the command line and cli importing container."""
    arrows = graph()
    arrows["quality_gate.drivers.launch"].add("quality_gate.cli.main")
    arrows["quality_gate.cli.main"].add("quality_gate.container.runner")
    assert set(upward(arrows)) - set(upward(graph())) == {
        "quality_gate.cli.main -> quality_gate.container.runner",
        "quality_gate.drivers.launch -> quality_gate.cli.main",
    }
