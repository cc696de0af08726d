"""The result cache: an unchanged project is answered without running the tool, any change to an input runs it."""

from __future__ import annotations

# Test names say what each test proves; pytest fixtures are parameters named like the fixture.
# pylint: disable=missing-function-docstring,redefined-outer-name
import dataclasses
import os
import shutil
import stat
from collections.abc import Callable
from pathlib import Path

import anyio
import pytest
from helpers.paths import REPO
from helpers.runners import Canned
from quality_gate.app import run as gate
from quality_gate.checks import CHECKS, Check
from quality_gate.commands import Execution, Layout
from quality_gate.findings import ToolResult, Verdict
from quality_gate.local.result_cache import ResultCache
from quality_gate.local.runner import LocalRunner
from quality_gate.store import ResultStore, StoreError, private_directory, project_directory
from quality_gate.tree import Snapshot

RUFF_CLEAN = Execution(0, "[]", "", 0.5)
MYPY_CLEAN = Execution(0, "", "", 0.5)
CONFIG_FILES = frozenset(check.tool.config_file for check in CHECKS.values())


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project root with a small source tree, a sibling package and a copy of the gate's configuration."""
    root = tmp_path / "project"
    (root / "src" / "pkg").mkdir(parents=True)
    (root / "src" / "app.py").write_text('"""App."""\n\nVALUE = 1\n', encoding="utf-8")
    (root / "src" / "pkg" / "__init__.py").write_text('"""Package."""\n', encoding="utf-8")
    (root / "src" / "pkg" / "util.py").write_text(
        '"""Util."""\n\n\ndef one() -> int:\n    """One."""\n    return 1\n', encoding="utf-8"
    )
    (root / "lib").mkdir()
    (root / "lib" / "shared.py").write_text("SHARED = 1\n", encoding="utf-8")
    shutil.copytree(REPO / ".config", root / "cfg")
    return root


def layout_of(project: Path, source: str = "src") -> Layout:
    return Layout(source=source, config="cfg", workdir=str(project))


def cache_for(project: Path, source: str = "src") -> ResultCache:
    """What the command line builds for each run: a fresh snapshot over the project's one store."""
    where = layout_of(project, source)
    store = ResultStore(project.parent / "store")
    return ResultCache(store, Snapshot.take(project, source), where, CONFIG_FILES)


def check(runner: Canned | LocalRunner, cache: ResultCache | None, name: str = "ruff") -> ToolResult:
    return anyio.run(gate.run_check, runner, CHECKS[name], cache)


def counting(project: Path, answer: Execution = RUFF_CLEAN, on_run: Callable[[], None] | None = None) -> Canned:
    """ruff's stored answer (mypy's clean one), counting the runs."""
    return Canned({"ruff": answer, "mypy": MYPY_CLEAN}, layout_of(project), on_run)


def test_an_unchanged_tree_is_answered_without_running_the_tool(project: Path) -> None:
    runner = counting(project)
    first = check(runner, cache_for(project))
    second = check(runner, cache_for(project))
    assert len(runner.ran) == 1
    assert not first.cached and second.cached
    assert second.outcome == first.outcome and second.exit_code == first.exit_code


def _edit_source(project: Path) -> None:
    (project / "src" / "pkg" / "util.py").write_text(
        '"""Util."""\n\n\ndef one() -> int:\n    return 2\n', encoding="utf-8"
    )


def _add_source(project: Path) -> None:
    (project / "src" / "pkg" / "extra.py").write_text('"""Extra."""\n', encoding="utf-8")


def _add_empty_file(project: Path) -> None:
    (project / "src" / "py.typed").write_text("", encoding="utf-8")


def _remove_source(project: Path) -> None:
    (project / "src" / "app.py").unlink()


def _rename_source(project: Path) -> None:
    (project / "src" / "app.py").rename(project / "src" / "main.py")


def _move_source(project: Path) -> None:
    (project / "src" / "app.py").rename(project / "src" / "pkg" / "app.py")


def _add_directory_with_module(project: Path) -> None:
    (project / "src" / "sub").mkdir()
    (project / "src" / "sub" / "mod.py").write_text("X = 1\n", encoding="utf-8")


def _python_file_in_a_venv(project: Path) -> None:
    # ruff, black and mypy skip environments, but pylint may lint any .py file under the source.
    (project / "src" / ".venv").mkdir()
    (project / "src" / ".venv" / "lib.py").write_text("import os\n", encoding="utf-8")


def _python_file_in_pycache(project: Path) -> None:
    # black checks a .py file under __pycache__ (its default excludes do not name it).
    (project / "src" / "__pycache__").mkdir()
    (project / "src" / "__pycache__" / "stray.py").write_text("x=1\n", encoding="utf-8")


def _edit_module_outside_the_source(project: Path) -> None:
    # mypy and pylint follow imports out of the source: a sibling package is an input too.
    (project / "lib" / "shared.py").write_text('SHARED = "one"\n', encoding="utf-8")


def _add_file_at_the_root(project: Path) -> None:
    (project / "setup.cfg").write_text("[metadata]\nname = x\n", encoding="utf-8")


def _edit_own_config(project: Path) -> None:
    with (project / "cfg" / "pyproject.toml").open("a", encoding="utf-8") as file:
        file.write("# edited\n")


def _edit_pins(project: Path) -> None:
    pins = project / "cfg" / "requirements.txt"
    pins.write_text(pins.read_text(encoding="utf-8").replace("ruff==0.17.6", "ruff==0.17.5"), encoding="utf-8")


def _gitignore_at_the_root(project: Path) -> None:
    # black and ruff read .gitignore files above the directory they check.
    (project / ".gitignore").write_text("src/app.py\n", encoding="utf-8")


CHANGES = [
    _edit_source,
    _add_source,
    _add_empty_file,
    _remove_source,
    _rename_source,
    _move_source,
    _add_directory_with_module,
    _python_file_in_a_venv,
    _python_file_in_pycache,
    _edit_module_outside_the_source,
    _add_file_at_the_root,
    _edit_own_config,
    _edit_pins,
    _gitignore_at_the_root,
]


@pytest.mark.parametrize("change", CHANGES, ids=[change.__name__.strip("_") for change in CHANGES])
def test_any_change_to_an_input_misses(project: Path, change: Callable[[Path], None]) -> None:
    runner = counting(project)
    check(runner, cache_for(project))
    change(project)
    assert not check(runner, cache_for(project)).cached
    assert len(runner.ran) == 2
    assert check(runner, cache_for(project)).cached  # and the new state is stored in turn
    assert len(runner.ran) == 2


def _edit_other_tool_config(project: Path) -> None:
    with (project / "cfg" / "mypy.ini").open("a", encoding="utf-8") as file:
        file.write("# a comment in mypy's file\n")


def _caches_and_bytecode(project: Path) -> None:
    for name in ("__pycache__", ".mypy_cache", ".ruff_cache", ".pytest_cache", ".git"):
        (project / "src" / name).mkdir()
        (project / "src" / name / "data").write_bytes(b"volatile")
    (project / "src" / ".venv").mkdir()
    (project / "src" / ".venv" / "pyvenv.cfg").write_text("home = /usr\n", encoding="utf-8")


def _ignore_build_and_logs(project: Path) -> None:
    (project / ".gitignore").write_text("build/\n*.log\n", encoding="utf-8")


def _ignored_files_outside_the_source(project: Path) -> None:
    (project / "build").mkdir()
    (project / "build" / "generated.py").write_text("X = 1\n", encoding="utf-8")
    (project / "run.log").write_text("noise\n", encoding="utf-8")


def _environment_outside_the_source(project: Path) -> None:
    (project / ".venv" / "lib").mkdir(parents=True)
    (project / ".venv" / "lib" / "site.py").write_text("X = 1\n", encoding="utf-8")
    (project / "node_modules").mkdir()
    (project / "node_modules" / "x.js").write_text("1\n", encoding="utf-8")


def _nothing(project: Path) -> None:
    del project


# (how the project is before the first run, what changes after it)
NOT_INPUTS = [
    (_nothing, _edit_other_tool_config),
    (_nothing, _caches_and_bytecode),
    (_ignore_build_and_logs, _ignored_files_outside_the_source),
    (_nothing, _environment_outside_the_source),
]


@pytest.mark.parametrize(("before", "change"), NOT_INPUTS, ids=[change.__name__.strip("_") for _, change in NOT_INPUTS])
def test_what_the_tool_does_not_read_keeps_its_result(
    project: Path, before: Callable[[Path], None], change: Callable[[Path], None]
) -> None:
    runner = counting(project)
    before(project)
    check(runner, cache_for(project))
    change(project)
    assert check(runner, cache_for(project)).cached
    assert len(runner.ran) == 1


def test_another_tools_config_is_an_input_of_that_tool_only(project: Path) -> None:
    runner = counting(project)
    check(runner, cache_for(project), "mypy")
    check(runner, cache_for(project), "ruff")
    _edit_other_tool_config(project)
    assert not check(runner, cache_for(project), "mypy").cached
    assert check(runner, cache_for(project), "ruff").cached


def test_an_edit_that_is_undone_hits_again(project: Path) -> None:
    runner = counting(project)
    original = (project / "src" / "app.py").read_text(encoding="utf-8")
    check(runner, cache_for(project))
    (project / "src" / "app.py").write_text("VALUE = 2\n", encoding="utf-8")
    check(runner, cache_for(project))
    (project / "src" / "app.py").write_text(original, encoding="utf-8")
    assert check(runner, cache_for(project)).cached
    assert len(runner.ran) == 2


def test_an_edit_undone_while_the_tool_runs_is_not_stored(project: Path) -> None:
    """A, then B, then A again during the run: the tool may have read B, so nothing is kept under A's key."""
    target = project / "src" / "app.py"
    original = target.read_bytes()

    def edit_and_undo() -> None:
        target.write_bytes(b"VALUE = 'B'\n")
        target.write_bytes(original)

    runner = counting(project, on_run=edit_and_undo)
    check(runner, cache_for(project))
    assert target.read_bytes() == original
    runner.on_run = None
    assert not check(runner, cache_for(project)).cached
    assert check(runner, cache_for(project)).cached


def test_a_tree_edited_while_the_tool_runs_is_not_stored(project: Path) -> None:
    runner = counting(project, on_run=lambda: _add_source(project))
    check(runner, cache_for(project))
    (project / "src" / "pkg" / "extra.py").unlink()  # back to the tree the run started from
    runner.on_run = None
    assert not check(runner, cache_for(project)).cached  # the first result may describe either tree: not kept
    assert check(runner, cache_for(project)).cached


def test_another_tool_or_other_arguments_miss(project: Path) -> None:
    cache = cache_for(project)
    command = CHECKS["ruff"].command(layout_of(project))
    other_args = dataclasses.replace(command, args=(*command.args, "--select", "E"))
    other_tool = CHECKS["mypy"].command(layout_of(project))
    assert len({cache.key(command), cache.key(other_args), cache.key(other_tool)}) == 3


def test_the_same_tree_checked_from_another_root_misses(project: Path, tmp_path: Path) -> None:
    check(counting(project), cache_for(project))
    moved = shutil.copytree(project, tmp_path / "elsewhere")
    (moved.parent / "store").mkdir(exist_ok=True)
    here, there = cache_for(project), cache_for(moved)
    command = CHECKS["ruff"].command(layout_of(project))
    assert here.key(command) != there.key(command)  # ruff prints absolute paths: the output names its tree


@pytest.mark.parametrize("content", [b"", b"{not json", b'{"format": 1}', b"\xff\xfe", b'{"format": "x", "key": []}'])
def test_a_corrupt_entry_is_a_miss_and_is_replaced(project: Path, content: bytes) -> None:
    runner = counting(project)
    check(runner, cache_for(project))
    [entry] = (project.parent / "store").glob("*.json")
    entry.write_bytes(content)
    assert not check(runner, cache_for(project)).cached
    assert check(runner, cache_for(project)).cached
    assert len(runner.ran) == 2


def test_an_entry_that_cannot_be_read_or_written_is_a_miss_never_a_crash(project: Path) -> None:
    runner = counting(project)
    check(runner, cache_for(project))
    [entry] = (project.parent / "store").glob("*.json")
    entry.unlink()
    entry.mkdir()  # neither readable as a file nor replaceable by one
    assert not check(runner, cache_for(project)).cached
    assert not check(runner, cache_for(project)).cached
    assert len(runner.ran) == 3


def test_an_execution_with_an_error_is_never_stored(project: Path) -> None:
    runner = counting(project, Execution(127, "", "", 0.0, error="ruff is not installed"))
    assert check(runner, cache_for(project)).verdict is Verdict.BROKEN
    assert not check(runner, cache_for(project)).cached
    assert not list((project.parent / "store").glob("*.json"))


@pytest.mark.parametrize("answer", [Execution(2, "", "ruff crashed", 0.1), Execution(-9, "", "", 0.1)])
def test_a_tool_that_could_not_run_is_run_again(project: Path, answer: Execution) -> None:
    runner = counting(project, answer)
    check(runner, cache_for(project))
    assert not check(runner, cache_for(project)).cached
    assert len(runner.ran) == 2


def test_findings_are_stored_like_a_pass(project: Path) -> None:
    finding = '[{"code": "F401", "message": "unused", "filename": "src/app.py", "location": {"row": 1, "column": 1}}]'
    runner = counting(project, Execution(1, finding, "", 0.1))
    first = check(runner, cache_for(project))
    replay = check(runner, cache_for(project))
    assert first.verdict is Verdict.FAILED
    assert replay.cached and replay.outcome == first.outcome
    assert len(runner.ran) == 1


def test_entries_are_private_and_written_whole(project: Path) -> None:
    check(counting(project), cache_for(project))
    store = project.parent / "store"
    [entry] = store.iterdir()
    assert not entry.name.startswith(".") and entry.name.endswith(".json"), "no temporary file left"
    assert stat.S_IMODE(entry.stat().st_mode) == 0o600
    assert stat.S_IMODE(store.stat().st_mode) == 0o700


def test_a_cache_directory_others_can_write_to_is_refused(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)
    with pytest.raises(StoreError, match=r"can be written by other users .*`chmod go-w "):
        private_directory(shared)


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="giving a directory away needs root")
def test_a_cache_directory_of_another_user_is_refused(tmp_path: Path) -> None:
    theirs = tmp_path / "theirs"
    theirs.mkdir(mode=0o700)
    os.chown(theirs, 4242, 4242)
    with pytest.raises(StoreError, match="belongs to another user"):
        private_directory(theirs)


def test_an_entry_another_user_planted_is_not_trusted(project: Path) -> None:
    runner = counting(project)
    check(runner, cache_for(project))
    [entry] = (project.parent / "store").glob("*.json")
    entry.chmod(0o666)  # writable by anyone: it may say anything
    assert not check(runner, cache_for(project)).cached


def test_each_project_has_its_own_directory(tmp_path: Path) -> None:
    first = project_directory(tmp_path / "cache", tmp_path / "one" / "app")
    second = project_directory(tmp_path / "cache", tmp_path / "two" / "app")
    assert first != second and first.parent == second.parent
    assert first.name.startswith("app-") and stat.S_IMODE(first.stat().st_mode) == 0o700


def test_with_the_real_tool_a_hit_gives_the_same_result(project: Path, tmp_path: Path) -> None:
    (project / "src" / "app.py").write_text("import os\nVALUE = 1\n", encoding="utf-8")  # one ruff finding (F401)
    local = LocalRunner(layout_of(project), tmp_path / "tools")
    ruff: Check = CHECKS["ruff"]
    first = anyio.run(gate.run_check, local, ruff, cache_for(project))
    second = anyio.run(gate.run_check, local, ruff, cache_for(project))
    assert first.verdict is Verdict.FAILED and not first.cached
    assert second.cached and second.outcome == first.outcome and second.exit_code == first.exit_code
    assert not any(path.name.endswith("_cache") for path in project.rglob("*"))  # nothing written into the tree
