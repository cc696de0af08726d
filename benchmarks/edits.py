"""Single-module edits of a real code base: which module to edit, and the edit itself.

The modules are ranked by how many others import them, directly or not (the incremental driver's own import
graph): a leaf is imported by none, a hub by the most, and a module in a cycle is one that pylint's
cyclic-import names. Edits append a function with findings, or rename the module's first top-level function
(what its importers see changes); both keep the file valid Python.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from pathlib import Path

from quality_gate.drivers.pylint.graph import Node, build

TOP_LEVEL_DEF = re.compile(r"^def (\w+)\(", re.MULTILINE)


@dataclass(frozen=True)
class Module:
    """A module of the tree: its dotted name, its file relative to the root, how many modules import it."""

    name: str
    path: str
    dependents: int
    size: int  # bytes


def modules(root: Path, source: str) -> list[Module]:
    """Every module under source, with its number of dependents (sorted by it, then by name).

    Names start at the folder that holds the top package (`rich` itself is a package: its modules are rich.x).
    """
    base = root / source
    base = base.parent if (base / "__init__.py").is_file() else base
    nodes = []
    for path in sorted(base.rglob("*.py")):
        relative = path.relative_to(base).with_suffix("")
        parts = relative.parts[:-1] if relative.name == "__init__" else relative.parts
        nodes.append(Node(".".join(parts), str(path), relative.name == "__init__"))
    graph = build(nodes, lambda path: Path(path).read_bytes(), lambda _: None)
    counts = {node.name: 0 for node in nodes}
    for node in nodes:
        for other in graph.closure(node.name) - {node.name}:
            if other in counts:
                counts[other] += 1
    found = [
        Module(node.name, str(Path(node.path).relative_to(root)), counts[node.name], Path(node.path).stat().st_size)
        for node in nodes
    ]
    return sorted(found, key=lambda module: (module.dependents, module.name))


def leaf(found: list[Module]) -> Module:
    """A module no other imports: the largest such, so that linting it is not trivially short."""
    leaves = [module for module in found if module.dependents == 0 and not module.path.endswith("__init__.py")]
    return max(leaves, key=lambda module: (module.size, module.name)) if leaves else found[0]


def hub(found: list[Module]) -> Module:
    """The module the most others import."""
    return found[-1]


def in_cycle(found: list[Module], cycles: list[str]) -> Module | None:
    """A module named in one of pylint's cyclic-import messages (`Cyclic import (a -> b)`)."""
    inside = [message[message.find("(") + 1 : message.rfind(")")] for message in cycles]
    names = {name.strip() for cycle in inside for name in cycle.split("->")}
    candidates = [module for module in found if module.name in names]
    return candidates[0] if candidates else None


def edit(root: Path, module: Module, number: int, rng: random.Random) -> str:
    """Change the module's file and say how."""
    path = root / module.path
    text = path.read_text(encoding="utf-8")
    names = TOP_LEVEL_DEF.findall(text)
    if names and rng.random() < 0.5:
        name = rng.choice(names)
        path.write_text(re.sub(rf"^def {name}\(", f"def {name}_edited{number}(", text, flags=re.MULTILINE), "utf-8")
        return f"renamed {name}() in {module.path}"
    addition = f"\n\ndef _edit_{number}(value):\n    unused = value\n    return len(value)\n"
    path.write_text(text.rstrip("\n") + "\n" + addition, encoding="utf-8")
    return f"appended a function to {module.path}"
