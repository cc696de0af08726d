"""Fixtures over the fixture trees: one tool cache per session, and one run-all per tree, shared by the tests."""

# pytest fixtures arrive as parameters named like the fixture.
# pylint: disable=redefined-outer-name

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import anyio
import pytest
from quality_gate.app import run as gate
from quality_gate.commands import Layout
from quality_gate.findings import ToolResult
from quality_gate.functions import all_checks
from quality_gate.local.runner import LocalRunner

from helpers.paths import CONFIG, FIXTURES, REPO, snapshot, tree
from helpers.tools import tool_env


def layout(name: str, config: Path = CONFIG) -> Layout:
    """The layout the command line builds when run from the repository root on a fixture tree."""
    return Layout(source=tree(name), config=str(config), workdir=str(REPO))


@dataclass(frozen=True)
class TreeRun:
    """One run-all over a fixture tree, with the tree's state before and after."""

    results: list[ToolResult]
    before: dict[str, str]
    after: dict[str, str]

    def __getitem__(self, tool: str) -> ToolResult:
        return next(result for result in self.results if result.tool == tool)


@pytest.fixture(scope="session")
def cache_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tools' caches for the whole session: warm after the first run, never in ~/.cache or the source."""
    return tmp_path_factory.mktemp("tool-cache")


@pytest.fixture(scope="session")
def own_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The environment for running the tools directly, with caches of their own (not shared with our runner)."""
    return tool_env(tmp_path_factory.mktemp("own-cache"))


@pytest.fixture(scope="session")
def gate_run(cache_root: Path) -> Callable[[str], TreeRun]:
    """run_all with the local runner and the real tools, once per fixture tree."""
    done: dict[str, TreeRun] = {}

    def run(name: str) -> TreeRun:
        if name not in done:
            before = snapshot(FIXTURES / name)
            results = anyio.run(gate.run_all, LocalRunner(layout(name), cache_root), all_checks())
            done[name] = TreeRun(results, before, snapshot(FIXTURES / name))
        return done[name]

    return run
