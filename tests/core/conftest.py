"""Fixtures of the core tests: one tool cache per session, and one run-all per fixture tree, shared by the modules."""

# pytest fixtures arrive as parameters named like the fixture.
# pylint: disable=redefined-outer-name

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import anyio
import pytest

from .support import CONFIG, FIXTURES, PIPELINE_SRC, REPO, gate_command, snapshot, tool_env, tree

if str(PIPELINE_SRC) not in sys.path:  # the suite also runs without PYTHONPATH=.pipeline/src
    sys.path.insert(0, str(PIPELINE_SRC))

from quality_gate import gate  # pylint: disable=wrong-import-order
from quality_gate.execution import Layout  # pylint: disable=wrong-import-order
from quality_gate.findings import ToolResult  # pylint: disable=wrong-import-order
from quality_gate.functions import all_checks  # pylint: disable=wrong-import-order
from quality_gate.local import LocalRunner  # pylint: disable=wrong-import-order


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


OWN_GATE_TEST = "test_the_projects_own_code_passes_its_gate"


@pytest.fixture(scope="session", autouse=True)
def own_gate(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Callable[[], subprocess.CompletedProcess[str]]]:
    """`run-all --source .pipeline/src`, the slowest run, started in the background when the session begins."""
    if not any(item.name == OWN_GATE_TEST for item in request.session.items):
        yield lambda: pytest.fail(f"{OWN_GATE_TEST} was not collected")
        return
    argv, env = gate_command("run-all", "--source", ".pipeline/src", cache=tmp_path_factory.mktemp("own-gate-cache"))
    with subprocess.Popen(
        argv, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    ) as process:

        def result() -> subprocess.CompletedProcess[str]:
            stdout, stderr = process.communicate(timeout=600)
            return subprocess.CompletedProcess(argv, process.returncode, stdout, stderr)

        yield result
        if process.poll() is None:  # the test was deselected or interrupted
            process.kill()
            process.communicate()
