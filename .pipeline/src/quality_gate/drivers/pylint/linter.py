"""pylint's own linter, with check() doing a full run's steps but linting only the modules whose key changed.

A full run opens every checker, parses every module (astroid builds them, with their side effects on other
modules), lints them one after the other, then closes the checkers (duplicate-code, cyclic-import). This
does the same, in the same order, with the same checkers; for a module whose key is unchanged, "lint" is
replaced by what linting it did last time: the modules astroid loaded that write into others (loaded again,
in order), its messages, its statement count and its part of the whole-run checks. Options, pragmas, the
score, fail-under, the exit code and the json2 output stay pylint's own code.
"""

from __future__ import annotations

import contextlib
import json
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from astroid import nodes  # type: ignore[import-untyped]  # astroid ships no type information
from pylint.constants import MSG_TYPES, MSG_TYPES_STATUS, PYLINT_HOME
from pylint.lint import PyLinter
from pylint.lint.expand_modules import discover_package_path
from pylint.lint.utils import augmented_sys_path
from pylint.message import Message
from pylint.reporters.json_reporter import JSON2Reporter
from pylint.reporters.progress_reporters import ProgressReporter
from pylint.typing import FileItem
from pylint.utils import FileState

from ..common.state import State
from . import NOTE_PREFIX, records
from .contributions import Contributions
from .effects import Loads, Writes, unique
from .plan import Plan, full_run_reason, make_plan, module_name, too_many
from .records import Result
from .similarities import SharedWindows

RECORD_FORMAT = "quality-gate-pylint-module/1"
STATE_DIR = "quality-gate-incremental"  # under PYLINTHOME: the gate's pylint cache, locally and in Dagger


@dataclass(frozen=True)
class Steps:
    """What linting and replaying modules share within one run."""

    check_module: Any  # pylint's check_astroid_module, bound to the run's walker and checkers
    progress: ProgressReporter
    loads: Loads
    contributions: Contributions

    @property
    def walker(self) -> Any:
        """The run's AST walker: it counts the statements behind the score."""
        return self.check_module.keywords["walker"]


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
                reason = too_many(len(items))
                if reason is None:
                    with augmented_sys_path(extra):
                        state = State(log.directory / "modules", RECORD_FORMAT)
                        log.write(self._check_incrementally(items, extra, state))
                    return
                # Every run of this tree costs a full one: the user is told why, not only the log.
                print(f"{NOTE_PREFIX}pylint ran in full: {reason}", file=sys.stderr)
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
        if len({module_name(item) for item in items}) != len(items):
            return None, "two files have the same module name"
        return items, None

    def _check_incrementally(self, items: list[FileItem], extra: list[str], state: State) -> dict[str, Any]:
        """The full run's steps; returns what was done, for last-run.json."""
        started = time.perf_counter()
        loads, writes = Loads(), Writes()
        with self._astroid_module_checker() as check_module, writes.recording(), loads.recording():
            steps = Steps(check_module, ProgressReporter(self.verbose), loads, Contributions(self))
            steps.contributions.start()
            asts = self._get_asts(iter(items), None, steps.progress)  # every module, as a full run: same side effects
            plan = make_plan(self, items, extra, writes.found, state)
            pairs = self._shared_windows(steps, state.get(plan.pairs_key))
            linted, kept = self._lint_or_replay(asts, plan, steps)
        if pairs is not None and pairs.used is not None:
            state.put(plan.pairs_key, {"pairs": pairs.used})
        state.put(plan.writers_key, {"names": sorted((plan.writers or frozenset()) | writes.writers())})
        state.prune(used=2 * len(items) + 1)  # a result and an import scan per module, and the writers
        return {
            "mode": "incremental",
            "modules": len(items),
            "linted": sorted(linted),
            "kept": kept,
            "seconds": round(time.perf_counter() - started, 3),
        }

    @staticmethod
    def _shared_windows(steps: Steps, stored: dict[str, Any] | None) -> SharedWindows | None:
        """duplicate-code over the pairs that can match, from memory where both modules are unchanged."""
        checker = steps.contributions.similarities
        if checker is None:
            return None
        windows = SharedWindows(checker, records.pairs(stored) or {})
        windows.install()
        return windows

    def _lint_or_replay(
        self, asts: dict[FileItem, nodes.Module | None], plan: Plan, steps: Steps
    ) -> tuple[list[str], int]:
        """Each parsed module in turn, linted or replayed; the modules linted, and how many fresh results were kept.

        A result is read when its module's turn comes, and a fresh one stored at once: holding every module's
        result until the end took memory that grew with the tree (a fifth more than pylint's own on 2,000 modules).
        """
        linted, kept = [], 0
        for item, module in asts.items():
            stored = plan.stored(item)
            if stored is None:
                linted.append(item.name)
            if module is None:
                continue
            if stored is not None:
                self._replay(item, module, stored, steps, plan.writers or frozenset())
                continue
            fresh = self._lint_one(item, module, steps)
            if plan.kept(item, fresh):
                plan.state.put(plan.keys[item.name], fresh)
                kept += 1
        return linted, kept

    def _lint_one(self, item: FileItem, module: nodes.Module, steps: Steps) -> Result:
        """Lint one module as a full run does, and what to keep of it."""
        before = len(self.reporter.messages)
        mark = steps.contributions.mark()
        steps.loads.current = []
        try:
            self._lint_files({item: module}, steps.check_module, steps.progress)
        finally:
            recorded, steps.loads.current = steps.loads.current, None
        return {
            "messages": [JSON2Reporter.serialize(message) for message in self.reporter.messages[before:]],
            "statements": self.stats.by_module[item.name]["statement"],
            "completed": item.filepath in self.stats.modules_names,
            "loads": unique(recorded),
            "contribution": steps.contributions.read(module.name, mark),
        }

    def _replay(
        self, item: FileItem, module: nodes.Module, result: Result, steps: Steps, writers: frozenset[str]
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
        steps.walker.nbstatements += result["statements"]
        self.stats.by_module[item.name]["statement"] = result["statements"]
        steps.contributions.put_back(module.name, result["contribution"])
        if result["completed"]:
            self.stats.modules_names.add(item.filepath)

    def _replay_message(self, message: Message) -> None:
        """What pylint does with a message it emits (PyLinter._add_one_message, after its filters)."""
        category = MSG_TYPES[message.msg_id[0]]
        self.msg_status |= MSG_TYPES_STATUS[message.msg_id[0]]
        self.stats.increase_single_message_count(category, 1)
        self.stats.increase_single_module_message_count(self.current_name, category, 1)
        self.stats.by_msg[message.symbol] = self.stats.by_msg.get(message.symbol, 0) + 1
        self.reporter.handle_message(message)


class RunLog:  # pylint: disable=too-few-public-methods  # one file, written at the end of a run
    """last-run.json beside the state: what the last run did (for people, tests and the benchmark)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def write(self, record: dict[str, Any]) -> None:
        """Replace the log; a log that cannot be written is no reason to fail."""
        with contextlib.suppress(OSError):
            self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
            (self.directory / "last-run.json").write_text(json.dumps(record, indent=1), encoding="utf-8")
