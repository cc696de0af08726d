"""pylint's own linter, with check() doing a full run's steps but linting only the modules whose key changed.

A full run opens every checker, parses every module (astroid builds them, with their side effects on other
modules), lints them one after the other, then closes the checkers (duplicate-code, cyclic-import). This
does the same, in the same order, with the same checkers; for a module whose key is unchanged, "lint" is
replaced by what linting it did last time: the modules astroid loaded (loaded again, in order), its messages,
its statement count and its part of the whole-run checks. Options, pragmas, the score, fail-under, the exit
code and the json2 output stay pylint's own code.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from astroid import nodes
from pylint.constants import MSG_TYPES, MSG_TYPES_STATUS, PYLINT_HOME
from pylint.lint import PyLinter
from pylint.lint.expand_modules import discover_package_path
from pylint.lint.utils import augmented_sys_path
from pylint.message import Message
from pylint.reporters.json_reporter import JSON2Reporter
from pylint.reporters.progress_reporters import ProgressReporter
from pylint.typing import FileItem
from pylint.utils import FileState

from .contributions import Contributions
from .effects import Load, Loads, Writes, unique
from .graph import Graph, Node, Resolve, build
from .keys import digest, resolver, run_key
from .state import State

STATE_DIR = "quality-gate-incremental"  # under PYLINTHOME: the gate's pylint cache, locally and in Dagger


class IncrementalLinter(PyLinter):
    """A PyLinter whose check() reuses per-module results; falls back to pylint's own check() when in doubt."""

    def check(self, files_or_modules: Sequence[str]) -> None:
        """Lint what changed, replay the rest, in a full run's order; or a full run, saying why in last-run.json."""
        log = RunLog(Path(PYLINT_HOME) / STATE_DIR)
        reason = full_run_reason(self)
        if reason is None:
            self.initialize()
            if self.config.recursive:
                files_or_modules = tuple(self._discover_files(files_or_modules))
            extra = list(dict.fromkeys(discover_package_path(f, self.config.source_roots) for f in files_or_modules))
            items, reason = self._file_items(files_or_modules, extra)
            if items is not None:
                with augmented_sys_path(extra):
                    self._check_incrementally(items, extra, log)
                return
        log.write({"mode": "full", "reason": reason})
        super().check(files_or_modules)

    def _file_items(self, files: Sequence[str], extra: list[str]) -> tuple[list[FileItem] | None, str | None]:
        """The modules a full run would lint, if listing them said nothing (a missing file is a full run's job)."""
        reporter, skipped = self.reporter, self.stats.skipped
        self.reporter = JSON2Reporter()
        self.reporter.linter = self
        try:
            items = list(self._iterate_file_descrs(files, extra_packages_paths=extra))
            said = self.reporter.messages
        finally:
            self.reporter, self.stats.skipped = reporter, skipped
        if said:
            return None, f"listing the modules gave messages ({said[0].symbol})"
        if len({item.name for item in items}) != len(items):
            return None, "two files have the same module name"
        return items, None

    def _check_incrementally(self, items: list[FileItem], extra: list[str], log: RunLog) -> None:
        started = time.perf_counter()
        state = State(log.directory / "modules")
        progress = ProgressReporter(self.verbose)
        loads, writes = Loads(), Writes()
        kept: dict[str, dict[str, Any]] = {}
        with self._astroid_module_checker() as check_module, writes.recording(), loads.recording():
            walker = check_module.keywords["walker"]  # type: ignore[attr-defined]  # a functools.partial
            contributions = Contributions(self)
            contributions.start()
            asts = self._get_asts(iter(items), None, progress)  # every module, as a full run: the same side effects
            resolve = resolver()
            graph = module_graph(items, writes.found, resolve)
            common = run_key(self, items, extra)
            writers_key = digest([common, "writers"])
            known = state.get(writers_key)  # modules whose build writes into others: None, nothing can be replayed
            keys = {
                item.name: digest([common, item.name, item.filepath, item.modpath, graph.closure_digest(item.name)])
                for item in items
            }
            stored = {name: state.get(key) if known is not None else None for name, key in keys.items()}
            replayed_writers = set(known["names"]) if known is not None else set()
            for item, module in asts.items():
                if module is None:
                    continue
                result = stored.get(item.name)
                if result is not None:
                    self._replay(item, module, result, walker, contributions, replayed_writers)
                    continue
                fresh = self._lint_one(item, module, check_module, progress, loads, contributions)
                if kept_result(fresh, item.name, graph, resolve):
                    kept[keys[item.name]] = fresh
        for key, result in kept.items():
            state.put(key, result)
        state.put(writers_key, {"names": sorted(replayed_writers | writes.writers())})
        state.prune()
        linted = sorted(name for name, result in stored.items() if result is None)
        log.write({"mode": "incremental", "modules": len(items), "linted": linted,
                   "kept": len(kept), "seconds": round(time.perf_counter() - started, 3)})

    def _lint_one(  # pylint: disable=too-many-arguments,too-many-positional-arguments  # one step of check()
        self,
        item: FileItem,
        module: nodes.Module,
        check_module: Any,
        progress: ProgressReporter,
        loads: Loads,
        contributions: Contributions,
    ) -> dict[str, Any]:
        """Lint one module as a full run does, and what to keep of it."""
        before = len(self.reporter.messages)
        mark = contributions.mark()
        loads.current = []
        try:
            self._lint_files({item: module}, check_module, progress)
        finally:
            recorded, loads.current = loads.current, None
        return {
            "messages": [JSON2Reporter.serialize(message) for message in self.reporter.messages[before:]],
            "statements": self.stats.by_module[item.name]["statement"],
            "completed": item.filepath in self.stats.modules_names,
            "loads": unique(recorded),
            "contribution": contributions.read(item.name, mark),
        }

    def _replay(  # pylint: disable=too-many-arguments,too-many-positional-arguments  # one step of check()
        self,
        item: FileItem,
        module: nodes.Module,
        result: dict[str, Any],
        walker: Any,
        contributions: Contributions,
        writers: set[str],
    ) -> None:
        """What linting the module did last time, done again: the same state for the modules after it.

        Of the modules its lint loaded, those whose build writes into other modules are loaded again, in order:
        building any other module changes nothing that another module can see.
        """
        self.set_current_module(item.name, item.filepath)
        self._ignore_file = False
        self.file_state = FileState(item.modpath, self.msgs_store, module)
        self.current_file = module.file
        Loads.replay([(name, context, cache) for name, context, cache in result["loads"] if name in writers])
        for data in result["messages"]:
            self._replay_message(JSON2Reporter.deserialize(data))
        walker.nbstatements += result["statements"]
        self.stats.by_module[item.name]["statement"] = result["statements"]
        contributions.put_back(item.name, result["contribution"])
        if result["completed"]:
            self.stats.modules_names.add(item.filepath)

    def _replay_message(self, message: Message) -> None:
        """What pylint does with a message it emits (PyLinter._add_one_message, after its filters)."""
        category = MSG_TYPES[message.msg_id[0]]
        self.msg_status |= MSG_TYPES_STATUS[message.msg_id[0]]
        self.stats.increase_single_message_count(category, 1)
        self.stats.increase_single_module_message_count(self.current_name, category, 1)  # type: ignore[arg-type]
        self.stats.by_msg[message.symbol] = self.stats.by_msg.get(message.symbol, 0) + 1
        self.reporter.handle_message(message)


def full_run_reason(linter: PyLinter) -> str | None:
    """Why this run cannot be incremental (a setting whose effect no key covers), or None."""
    config = linter.config
    plugins = [name for name in linter._dynamic_plugins if not name.startswith("pylint.")]  # pylint: disable=protected-access
    namespaces = linter._directory_namespaces  # pylint: disable=protected-access
    checks = {
        "the output format is not json2": type(linter.reporter) is not JSON2Reporter,
        "jobs is not 1 (parallel runs merge results their own way)": getattr(config, "jobs", 1) != 1,
        "input from stdin": bool(getattr(config, "from_stdin", False)),
        "an init-hook runs code no key covers": bool(getattr(config, "init_hook", None)),
        f"plugins outside pylint ({', '.join(plugins)})": bool(plugins),
        "per-directory configuration": len(namespaces) != 1 or any(sub for _, sub in namespaces.values()),
        "a spelling dictionary (its files are not in the key)": bool(getattr(config, "spelling_dict", "")),
    }
    return next((why for why, applies in checks.items() if applies), None)


def module_graph(items: Sequence[FileItem], writes: set[tuple[str, str]], resolve: Resolve) -> Graph:
    """The import graph, plus what astroid's attribute writes make modules see of each other.

    A write into a module of the graph makes the writer a dependency of that module (whoever reads the module
    may see the write); a write into anything else (sys, a class of the standard library) makes the writer a
    dependency of every module.
    """
    graph = build([Node(item.name, item.filepath, _is_package(item.filepath)) for item in items], _read, resolve)
    everyone: set[str] = set()
    for writer, target in writes:
        if writer not in graph.nodes or target == writer:
            continue
        if target in graph.nodes:
            graph.edges.setdefault(target, set()).add(writer)
        else:
            everyone.add(writer)
    everyone |= graph.writers - _names(items)  # a file outside the checked ones, built whenever first imported
    for item in items:
        graph.edges.setdefault(item.name, set()).update(everyone - {item.name})
    return graph


def kept_result(result: dict[str, Any], name: str, graph: Graph, resolve: Resolve) -> bool:
    """Keep a module's result unless it crashed or loaded a module its key does not cover."""
    if any(str(message["messageId"]).startswith("F") for message in result["messages"]):
        return False
    closure = graph.closure(name)
    for load in result["loads"]:
        loaded = load[0]
        if loaded in graph.nodes:
            if loaded not in closure:
                return False
        elif resolve(loaded) is not None:
            return False
    return True


def _names(items: Sequence[FileItem]) -> set[str]:
    return {item.name for item in items}


def _is_package(path: str) -> bool:
    return os.path.basename(path).startswith("__init__.")


def _read(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as error:
        return f"<unreadable {error.errno}>".encode()


class RunLog:  # pylint: disable=too-few-public-methods  # one file, written at the end of a run
    """last-run.json beside the state: what the last run did (for people, tests and the benchmark)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def write(self, record: dict[str, Any]) -> None:
        """Replace the log; a log that cannot be written is no reason to fail."""
        with contextlib.suppress(OSError):
            self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
            (self.directory / "last-run.json").write_text(json.dumps(record, indent=1), encoding="utf-8")


