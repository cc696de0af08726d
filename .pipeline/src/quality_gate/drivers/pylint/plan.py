"""Deciding what to lint: when the run must be a full one, each module's key, and which results can be kept."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pylint.lint import PyLinter
from pylint.reporters.json_reporter import JSON2Reporter
from pylint.typing import FileItem

from ..common.hashing import digest
from ..common.state import State
from . import records
from .closures import Closures
from .graph import Graph, Node, Resolve, Scanner, build
from .keys import driver_digest, resolver, run_key
from .records import Result
from .scans import RememberedScans

# Above this many modules pylint runs plainly, and says so. Measured on the generated trees of few-line modules
# (benchmarks/results/2026-12-04-*): plain pylint peaks at about 44 MB plus 11.4 KB a module (158 MB at 10,000),
# the driver at 1.24 times that, and all it adds grows with the modules but for which module's closure holds which
# (closures.py: a bit per pair of modules, half of them, 6 MB at 10,000). At 40,000 those bits take 100 MB and the
# driver about 1.45 times pylint's memory, under the 1.5 it is held to; beyond, they would take it over.
MAX_MODULES = 40_000


def too_many(modules: int) -> str | None:
    """Why a tree of `modules` modules is too big for the driver, or None."""
    if modules <= MAX_MODULES:
        return None
    return f"{modules:,} modules, more than the {MAX_MODULES:,} its incremental driver takes"


def full_run_reason(linter: PyLinter) -> str | None:
    """Why this run cannot be incremental (a setting whose effect no key covers), or None."""
    config = linter.config
    dynamic = linter._dynamic_plugins  # pylint: disable=protected-access  # the plugins that were loaded
    plugins = [name for name in dynamic if not name.startswith("pylint.")]
    namespaces = linter._directory_namespaces  # pylint: disable=protected-access  # per-directory configurations
    checks = {
        "the output format is not json2": not isinstance(linter.reporter, JSON2Reporter),
        "jobs is not 1 (parallel runs merge results their own way)": getattr(config, "jobs", 1) != 1,
        "input from stdin": bool(getattr(config, "from_stdin", False)),
        "an init-hook runs code no key covers": bool(getattr(config, "init_hook", None)),
        f"plugins outside pylint ({', '.join(plugins)})": bool(plugins),
        "per-directory configuration": len(namespaces) != 1 or any(sub for _, sub in namespaces.values()),
        "a spelling dictionary (its files are not in the key)": bool(getattr(config, "spelling_dict", "")),
    }
    return next((why for why, applies in checks.items() if applies), None)


@dataclass(frozen=True)
class Plan:  # pylint: disable=too-many-instance-attributes  # what deciding and keeping share, stated once
    """Each module's key, the graph behind the keys, the writers known, and the state the results are read from."""

    keys: dict[str, str]
    graph: Graph
    closures: Closures
    resolve: Resolve
    state: State
    writers_key: str
    writers: frozenset[str] | None  # modules whose build writes into others, seen before; None: all are linted
    pairs_key: str  # duplicate-code's answers for pairs of modules, remembered (see similarities.py)

    def stored(self, item: FileItem) -> Result | None:
        """The module's stored result (None: lint it), read when its turn comes: one result in memory at a time."""
        if self.writers is None:  # without them no loads can be replayed faithfully
            return None
        return records.result(self.state.get(self.keys[item.name]))

    def kept(self, item: FileItem, result: Result) -> bool:
        """Keep a fresh result unless the module crashed pylint or loaded a module its key does not cover."""
        if any(str(message["messageId"]).startswith("F") for message in result["messages"]):
            return False
        name = module_name(item)
        for loaded, _, _ in result["loads"]:
            if loaded in self.graph.nodes:
                if not self.closures.reaches(name, loaded):
                    return False
            elif self.resolve(loaded) is not None:
                return False
        return True


def make_plan(
    linter: PyLinter, items: Sequence[FileItem], extra: Sequence[str], writes: set[tuple[str, str]], state: State
) -> Plan:
    """Keys from the run's key and each module's closure, and the writers known."""
    resolve = resolver()
    graph = module_graph(items, writes, resolve, RememberedScans(state, driver_digest()))
    closures = Closures(graph, [module_name(item) for item in items])
    common = run_key(linter, items, extra)
    writers_key = digest([common, "writers"])
    keys = {
        item.name: digest([common, item.name, item.filepath, item.modpath, closures.digest(module_name(item))])
        for item in items
    }
    writers = records.writers(state.get(writers_key))
    return Plan(keys, graph, closures, resolve, state, writers_key, writers, digest([common, "similarities"]))


def module_graph(items: Sequence[FileItem], writes: set[tuple[str, str]], resolve: Resolve, scanner: Scanner) -> Graph:
    """The import graph, plus what astroid's attribute writes make modules see of each other.

    A write into a module of the graph makes the writer a dependency of that module (whoever reads the module
    may see the write); a write into anything else (sys, a class of the standard library) makes the writer a
    dependency of every module, and so does a file outside the checked ones that writes attributes (it is built
    whenever something first imports it, not with the others).
    """
    nodes = [Node(module_name(item), item.filepath, _is_package(item.filepath)) for item in items]
    graph = build(nodes, _read, resolve, scanner)
    names = {node.name for node in nodes}
    everyone = graph.writers - names
    for writer, target in writes:
        if writer not in graph.nodes or target == writer:
            continue
        if target in graph.nodes:
            graph.edges.setdefault(target, set()).add(writer)
        else:
            everyone.add(writer)
    for name in names:
        graph.edges.setdefault(name, set()).update(everyone - {name})
    return graph


def module_name(item: FileItem) -> str:
    """The module's name as astroid and imports know it: pylint names a package's file `pkg.sub.__init__` when it
    finds it by walking a folder (`--recursive=y src`), astroid names that module `pkg.sub`."""
    return item.name.removesuffix(".__init__")


def _is_package(path: str) -> bool:
    return Path(path).name.startswith("__init__.")


def _read(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as error:
        return f"<unreadable {error.errno}>".encode()
