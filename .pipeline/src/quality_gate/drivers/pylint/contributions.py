"""What each module adds to pylint's whole-run checks, kept with its result and put back when it is skipped.

pylint 4.1.4 reports two checks over the whole set of modules, in `close()`, after the last module: they are
the only checkers (of pylint's own and the bundled extensions) with a `close()` that does anything:

- duplicate-code (R0801, SimilaritiesChecker): compares the `LineSet` of every module, kept in `linesets`;
- cyclic-import (R0401, ImportsChecker): searches the import graph, kept in `import_graph` and
  `_excluded_edges` (edges disabled by a pragma or under `if TYPE_CHECKING:`).

A module's LineSet and its edges depend only on its text, the configuration and which names resolve to
modules (all in its key), so they are kept per module and put back, in the full run's order, for the modules
that are not linted again; then pylint's own `close()` computes both checks over the whole tree.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from pylint.checkers.imports import ImportsChecker
from pylint.checkers.symilar import LineNumber, LineSet, LineSpecifs, SimilaritiesChecker
from pylint.lint import PyLinter

# ImportsChecker's private state that close() reads: edges a pragma or `if TYPE_CHECKING:` leaves out of the
# cycle search, and each module's package (for its reports).
EXCLUDED, PACKAGES = "_excluded_edges", "_module_pkg"

Contribution = dict[str, Any]  # JSON: {"linesets": [...], "edges": [...], "excluded": [...], "package": ...}


class OrderedSet(set[str]):
    """A set that remembers the order names were first added: a skipped module's edges go back in that order,
    so sets and the graph iterate as in a full run (the order decides which cycle is reported, and how)."""

    def __init__(self, elements: Iterable[str] = ()) -> None:
        super().__init__()
        self.order: list[str] = []
        for element in elements:  # a copy (deepcopy, in pylint's close()) is built from the elements
            self.add(element)

    def add(self, element: str) -> None:
        if element not in self:
            self.order.append(element)
        super().add(element)


class Contributions:
    """The two whole-run checkers of one linter, read after a module is linted and filled for a skipped one."""

    def __init__(self, linter: PyLinter) -> None:
        checkers = linter.prepare_checkers()  # the ones this run opened (a disabled check has none)
        self.similarities = next((c for c in checkers if isinstance(c, SimilaritiesChecker)), None)
        self.imports = next((c for c in checkers if isinstance(c, ImportsChecker)), None)

    def start(self) -> None:
        """After the checkers' open(): graphs that remember insertion order."""
        if self.imports is not None:
            self.imports.import_graph = defaultdict(OrderedSet)
            setattr(self.imports, EXCLUDED, defaultdict(OrderedSet))

    def mark(self) -> int:
        """Where the next module's LineSet will go."""
        return len(self.similarities.linesets) if self.similarities is not None else 0

    def read(self, name: str, mark: int) -> Contribution:
        """What the module `name` (astroid's name: the import graph's) added since `mark`."""
        contribution: Contribution = {"linesets": [], "edges": [], "excluded": [], "package": None}
        if self.similarities is not None:
            contribution["linesets"] = [_lineset_json(line_set) for line_set in self.similarities.linesets[mark:]]
        if self.imports is not None:
            contribution["edges"] = _order(self.imports.import_graph.get(name))
            contribution["excluded"] = _order(getattr(self.imports, EXCLUDED).get(name))
            contribution["package"] = getattr(self.imports, PACKAGES).get(name)
        return contribution

    def put_back(self, name: str, contribution: Contribution) -> None:
        """Add a skipped module's part, as linting it would have."""
        if self.similarities is not None:
            self.similarities.linesets.extend(_lineset(data) for data in contribution["linesets"])
        if self.imports is not None:
            for edge in contribution["edges"]:
                self.imports.import_graph[name].add(edge)
            for edge in contribution["excluded"]:
                getattr(self.imports, EXCLUDED)[name].add(edge)
            if contribution["package"] is not None:
                getattr(self.imports, PACKAGES)[name] = contribution["package"]


def _order(edges: set[str] | None) -> list[str]:
    if edges is None:
        return []
    return list(edges.order) if isinstance(edges, OrderedSet) else sorted(edges)


def _lineset_json(line_set: LineSet) -> dict[str, Any]:
    return {
        "name": line_set.name,
        "real": line_set.real_lines,
        # Two flat lists, not a pair per line: fewer objects for the garbage collector while pylint runs.
        "numbers": [int(spec.line_number) for spec in line_set.stripped_lines],
        "texts": [spec.text for spec in line_set.stripped_lines],
    }


def _lineset(data: dict[str, Any]) -> LineSet:
    """A LineSet as it was built, without building it again (that parses the module's text once more)."""
    line_set = LineSet.__new__(LineSet)
    line_set.name = data["name"]
    vars(line_set).update(
        {
            "_real_lines": data["real"],
            "_stripped_lines": [
                LineSpecifs(LineNumber(number), text)
                for number, text in zip(data["numbers"], data["texts"], strict=True)
            ],
        }
    )
    return line_set
