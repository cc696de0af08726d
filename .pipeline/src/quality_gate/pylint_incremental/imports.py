"""What a module can make astroid load: the module names its text imports, read with the standard `ast`.

Over-approximated on purpose (a needless dependency costs a re-lint, a missing one a wrong result): every
prefix of an imported name (`import a.b.c` loads a, a.b, a.b.c), every `from a import x` as both a.x and a,
and every identifier of the module, because astroid loads `pkg.x` as a submodule when code reads the
attribute `x` of a package (`import pkg; pkg.x.f()`).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass


@dataclass(frozen=True)
class Scan:
    """One module's text, read for imports: absolute names it imports, packages it star-imports, its identifiers."""

    names: frozenset[str]
    stars: frozenset[str]
    identifiers: frozenset[str]
    writes: bool  # assigns an attribute of something other than self or cls: astroid may add it to another module


def scan(data: bytes, name: str, package: bool) -> Scan | None:
    """The imports of a module named `name` (`package`: an __init__ file); None when the text does not parse."""
    try:
        tree = ast.parse(data)
    except (SyntaxError, ValueError):
        return None
    names: set[str] = set()
    stars: set[str] = set()
    identifiers: set[str] = set()
    writes = False
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = absolute(node.module, node.level, name, package)
            if base is None:
                continue
            names.add(base)
            for alias in node.names:
                if alias.name == "*":
                    stars.add(base)
                else:
                    names.add(f"{base}.{alias.name}" if base else alias.name)
        elif isinstance(node, ast.Attribute):
            identifiers.add(node.attr)
            writes = writes or (isinstance(node.ctx, ast.Store) and not _own(node.value))
        elif isinstance(node, ast.Name):
            identifiers.add(node.id)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.isidentifier():
            identifiers.add(node.value)  # names in __all__, getattr(module, "x")
    return Scan(frozenset(with_prefixes(names)), frozenset(stars), frozenset(identifiers), writes)


def _own(target: ast.expr) -> bool:
    """`self` or `cls`: a write into the module's own classes."""
    return isinstance(target, ast.Name) and target.id in {"self", "cls"}


def absolute(module: str | None, level: int, name: str, package: bool) -> str | None:
    """The absolute name of `from <level dots><module> import ...` in the module `name`; None above the top."""
    if not level:
        return module or ""
    parts = name.split(".") if package else name.split(".")[:-1]
    if level - 1 > len(parts):
        return None
    base = parts[: len(parts) - (level - 1)]
    return ".".join([*base, module] if module else base)


def with_prefixes(names: set[str]) -> set[str]:
    """Each dotted name and every package above it."""
    found: set[str] = set()
    for dotted in names:
        parts = [part for part in dotted.split(".") if part]
        found.update(".".join(parts[:end]) for end in range(1, len(parts) + 1))
    return found


def parents(name: str) -> list[str]:
    """The packages that hold a module: a and a.b for a.b.c."""
    parts = name.split(".")
    return [".".join(parts[:end]) for end in range(1, len(parts))]
