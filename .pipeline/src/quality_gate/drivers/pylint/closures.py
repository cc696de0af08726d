"""Every module's closure (the nodes it imports, directly or not) as a digest and as a set, from one pass.

A module's key covers the content of its whole closure. Hashing each closure node by node, and walking each
closure again to check a lint's loads, costs the sum of the closures' sizes: on a tree whose modules import
along long chains that grows with the square of the modules (2,000 modules: 18 s of hashing and 5 s of
walking). Over the graph's strongly connected components (the nodes that import each other, in a cycle, share
one closure), each component's digest is made from its own nodes and the digests of the components it imports
directly, so every node and edge is read once; and the closure of each component is a set of bits, built from
those of the components it imports.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from ..common.hashing import digest
from .graph import Graph


@dataclass(frozen=True)
class Components:
    """The strongly connected components of a graph, each after every component it reaches."""

    members: list[list[str]]  # component number -> its nodes
    number: dict[str, int]  # node -> its component's number


class Closures:
    """Closure digests and closure membership for the modules of one graph."""

    def __init__(self, graph: Graph, roots: Iterable[str]) -> None:
        self.graph = graph
        self.components = components(graph.edges, roots)
        self._digests: list[str] = []
        self._reach: list[int] = []

    def digest(self, name: str) -> str:
        """One digest over every node of the module's closure: its name, file and content, and how they import."""
        if not self._digests:
            self._digests = list(self._component_digests())
        return self._digests[self.components.number[name]]

    def reaches(self, name: str, other: str) -> bool:
        """Whether `other` is in the closure of `name` (both nodes of the graph)."""
        if not self._reach:
            self._reach = list(self._component_reach())
        number = self.components.number
        return other in number and bool(self._reach[number[name]] >> number[other] & 1)

    def _successors(self, component: int) -> set[int]:
        number = self.components.number
        members = self.components.members[component]
        found = {number[other] for name in members for other in self.graph.edges.get(name, ())}
        found.discard(component)
        return found

    def _component_digests(self) -> Iterator[str]:
        done: list[str] = []
        for component, members in enumerate(self.components.members):
            nodes = [
                part
                for name in sorted(members)
                for part in (name, self.graph.nodes[name].path, self.graph.digests[name])
            ]
            reached = sorted(done[other] for other in self._successors(component))
            done.append(digest([str(len(nodes)), *nodes, *reached]))
            yield done[-1]

    def _component_reach(self) -> Iterator[int]:
        """Bit n of component c's number: c reaches component n. A component reaches only earlier ones, so the
        numbers together hold half a bit per pair of components (10,000 modules: about 6 MB)."""
        done: list[int] = []
        for component in range(len(self.components.members)):
            bits = 1 << component
            for other in self._successors(component):
                bits |= done[other]
            done.append(bits)
            yield bits


def components(edges: dict[str, set[str]], roots: Iterable[str]) -> Components:
    """Tarjan's strongly connected components of the nodes reachable from roots, without recursion (an import
    chain may be thousands of modules long): each component is numbered after every component it reaches."""
    order: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = Components([], {})
    for root in roots:
        if root in order:
            continue
        order[root] = low[root] = len(order)
        stack.append(root)
        on_stack.add(root)
        work: list[tuple[str, Iterator[str]]] = [(root, iter(edges.get(root, ())))]
        while work:
            node, successors = work[-1]
            for successor in successors:
                if successor not in order:
                    order[successor] = low[successor] = len(order)
                    stack.append(successor)
                    on_stack.add(successor)
                    work.append((successor, iter(edges.get(successor, ()))))
                    break
                if successor in on_stack:
                    low[node] = min(low[node], order[successor])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == order[node]:
                    _pop_component(node, stack, on_stack, found)
    return found


def _pop_component(root: str, stack: list[str], on_stack: set[str], found: Components) -> None:
    members = []
    while True:
        member = stack.pop()
        on_stack.discard(member)
        found.number[member] = len(found.members)
        members.append(member)
        if member == root:
            break
    found.members.append(members)
