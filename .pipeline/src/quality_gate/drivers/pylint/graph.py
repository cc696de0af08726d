"""The import graph of the checked modules, and of the files outside them they import (a sibling source tree, a
PYTHONPATH folder): each node with a digest of what astroid would read of it, each module with its closure.

The standard library and installed distributions are not nodes: the environment's key covers them (Python's
version, every distribution's name and version). A module whose text does not parse depends on every module.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .imports import Scan, scan

INIT = "__init__"


@dataclass(frozen=True)
class Node:
    """A module astroid may load: its dotted name, its file, and whether that file is a package's __init__."""

    name: str
    path: str
    package: bool


@dataclass
class Graph:
    """Nodes by name, each one's digest and direct imports."""

    nodes: dict[str, Node]
    digests: dict[str, str] = field(default_factory=dict)
    edges: dict[str, set[str]] = field(default_factory=dict)
    writers: set[str] = field(default_factory=set)  # nodes that assign attributes of other objects

    def closure(self, name: str) -> set[str]:
        """The module and every node it imports, directly or not."""
        seen = {name}
        todo = [name]
        while todo:
            for other in self.edges.get(todo.pop(), ()):
                if other not in seen:
                    seen.add(other)
                    todo.append(other)
        return seen


Resolve = Callable[[str], Node | None]  # a name not among the checked modules -> a file to follow, or None
Read = Callable[[str], bytes]
Scanner = Callable[[bytes, str, bool], Scan | None]  # imports.scan, or a memo of it


def build(modules: Iterable[Node], read: Read, resolve: Resolve, scanner: Scanner = scan) -> Graph:
    """The graph from the checked modules, following imports into files that resolve outside the environment."""
    graph = Graph({node.name: node for node in modules})
    project = frozenset(graph.nodes)
    submodules = Submodules()
    todo = list(graph.nodes.values())
    queued = set(graph.nodes)
    while todo:
        node = todo.pop()
        data = read(node.path)
        listing = submodules.of(node) if node.package and node.name not in project else frozenset()
        graph.digests[node.name] = _digest(data, listing)
        found = scanner(data, node.name, node.package)
        if found is None:
            graph.edges[node.name] = set(project) - {node.name}  # unreadable for us: it may depend on anything
            continue
        if found.writes:
            graph.writers.add(node.name)
        graph.edges[node.name] = _direct(node, found, graph, submodules, resolve)
        for name in sorted(graph.edges[node.name] - queued):
            queued.add(name)
            todo.append(graph.nodes[name])
    return graph


def _direct(node: Node, found: Scan, graph: Graph, submodules: Submodules, resolve: Resolve) -> set[str]:
    """The nodes a module imports; packages it imports also give the submodules its identifiers name."""
    follower = _Follower(node.name, graph, resolve)
    packages = [followed for name in sorted(found.names) if (followed := follower.follow(name)) and followed.package]
    for star in sorted(found.stars):
        followed = follower.follow(star)
        if followed is not None and followed.package:
            for sub in sorted(submodules.of(followed)):
                follower.follow(f"{star}.{sub}")
    while packages:
        package = packages.pop()
        for sub in sorted(found.identifiers & submodules.of(package)):
            followed = follower.follow(f"{package.name}.{sub}", again=False)
            if followed is not None and followed.package:
                packages.append(followed)
    return follower.edges


class _Follower:  # pylint: disable=too-few-public-methods  # one module's edges, as they are found
    """Adds a module's edges to names that are nodes or resolve to files to follow."""

    def __init__(self, name: str, graph: Graph, resolve: Resolve) -> None:
        self.name = name
        self.graph = graph
        self.resolve = resolve
        self.edges: set[str] = set()

    def follow(self, name: str, again: bool = True) -> Node | None:
        """The node for `name` (now an edge), or None when it is no file to follow; `again=False`: None if known."""
        if name in self.edges and not again:
            return None
        if name not in self.graph.nodes:
            resolved = self.resolve(name)
            if resolved is None:
                return None
            self.graph.nodes[name] = resolved
        if name != self.name:
            self.edges.add(name)
        return self.graph.nodes[name]


class Submodules:  # pylint: disable=too-few-public-methods  # a memo of directory listings
    """The module names a package's directory holds (x.py, x.pyi, x/, x.<abi>.so), listed once per package."""

    def __init__(self) -> None:
        self._known: dict[Path, frozenset[str]] = {}

    def of(self, package: Node) -> frozenset[str]:
        """The names of the modules and packages in the package's directory."""
        directory = Path(package.path).parent
        if directory not in self._known:
            try:
                entries = [entry.name for entry in directory.iterdir()]
            except OSError:
                entries = []
            self._known[directory] = frozenset(entry.split(".", 1)[0] for entry in entries if entry != INIT + ".py")
        return self._known[directory]


def _digest(data: bytes, listing: frozenset[str]) -> str:
    total = hashlib.sha256(data)
    for entry in sorted(listing):
        total.update(b"\0" + entry.encode("utf-8", "surrogateescape"))
    return total.hexdigest()
