"""What a module can make astroid load: the module names its text imports, read with the standard `ast`.

Over-approximated on purpose (a needless dependency costs a re-lint, a missing one a wrong result): every
prefix of an imported name (`import a.b.c` loads a, a.b, a.b.c), every `from a import x` as both a.x and a,
and every attribute name the module reads (and every string that is an identifier), because astroid loads
`pkg.x` as a submodule when code reads the attribute `x` of a package (`import pkg; pkg.x.f()`,
`getattr(pkg, "x")`).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

# The nodes that say something about imports, writes, or the attributes a module reads (a package's attribute
# may be a submodule astroid then loads); names alone never load a submodule (star imports are followed apart).
IMPORTANT = (ast.Import, ast.ImportFrom, ast.Attribute, ast.Constant)


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
    reader = _Reader(name, package)
    for node in ast.walk(tree):
        if isinstance(node, IMPORTANT):
            reader.read(node)
    return Scan(
        frozenset(with_prefixes(reader.names)), frozenset(reader.stars), frozenset(reader.identifiers), reader.writes
    )


class _Reader:  # pylint: disable=too-few-public-methods  # the state of one walk
    """What the nodes of one module say about its imports."""

    def __init__(self, name: str, package: bool) -> None:
        self.name = name
        self.package = package
        self.names: set[str] = set()
        self.stars: set[str] = set()
        self.identifiers: set[str] = set()
        self.writes = False

    def read(self, node: ast.AST) -> None:
        """Take what one node says."""
        if isinstance(node, ast.Import):
            self.names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            self._import_from(node)
        elif isinstance(node, ast.Attribute):
            self.identifiers.add(node.attr)
            self.writes = self.writes or (isinstance(node.ctx, ast.Store) and not _own(node.value))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.isidentifier():
            self.identifiers.add(node.value)  # getattr(package, "x"), __all__

    def _import_from(self, node: ast.ImportFrom) -> None:
        base = absolute(node.module, node.level, self.name, self.package)
        if base is None:
            return
        self.names.add(base)
        for alias in node.names:
            if alias.name == "*":
                self.stars.add(base)
            else:
                self.names.add(f"{base}.{alias.name}" if base else alias.name)


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
