"""The result cache: an unchanged tree is answered without running the tool, any change to an input runs it."""

from __future__ import annotations

# Test names say what each test proves; pytest fixtures are parameters named like the fixture.
# pylint: disable=missing-function-docstring,redefined-outer-name
import dataclasses
import shutil
from collections.abc import Callable
from pathlib import Path

import anyio
import pytest
from quality_gate import gate
from quality_gate.cache import CachingRunner, caching
from quality_gate.checks import CHECKS
from quality_gate.execution import Command, Execution, Layout
from quality_gate.findings import Verdict
from quality_gate.local import LocalRunner

REPO = Path(__file__).resolve().parents[2]
RUFF_CLEAN = Execution(0, "[]", "", 0.5)


class CountingRunner:  # pylint: disable=too-few-public-methods  # a Runner
    """A stand-in for the local runner that records every command it is asked to run."""

    def __init__(
        self, layout: Layout, answer: Execution = RUFF_CLEAN, on_run: Callable[[], None] | None = None
    ) -> None:
        self.layout = layout
        self.answer = answer
        self.on_run = on_run
        self.ran: list[Command] = []

    async def execute(self, command: Command) -> Execution:
        self.ran.append(command)
        if self.on_run is not None:
            self.on_run()
        return self.answer


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A working directory with a small source tree and a copy of the gate's configuration."""
    root = tmp_path / "project"
    (root / "src" / "pkg").mkdir(parents=True)
    (root / "src" / "app.py").write_text('"""App."""\n\nVALUE = 1\n', encoding="utf-8")
    (root / "src" / "pkg" / "__init__.py").write_text('"""Package."""\n', encoding="utf-8")
    (root / "src" / "pkg" / "util.py").write_text(
        '"""Util."""\n\n\ndef one() -> int:\n    """One."""\n    return 1\n', encoding="utf-8"
    )
    shutil.copytree(REPO / ".config", root / "cfg")
    return root


def layout_of(project: Path) -> Layout:
    return Layout(source="src", config="cfg", workdir=str(project))


def ruff(project: Path) -> Command:
    return CHECKS["ruff"].command(layout_of(project))


def run(runner: CachingRunner, command: Command) -> Execution:
    async def go() -> Execution:
        return await runner.execute(command)

    return anyio.run(go)


def cached_runner(project: Path, inner: CountingRunner | None = None) -> tuple[CachingRunner, CountingRunner]:
    inner = inner or CountingRunner(layout_of(project))
    return CachingRunner(inner, project.parent / "store"), inner


def test_an_unchanged_tree_is_answered_without_running_the_tool(project: Path) -> None:
    runner, inner = cached_runner(project)
    first = run(runner, ruff(project))
    second = run(runner, ruff(project))
    assert len(inner.ran) == 1
    assert not first.cached and second.cached
    assert (second.exit_code, second.stdout, second.stderr) == (first.exit_code, first.stdout, first.stderr)
    assert second.seconds < first.seconds  # the time to answer, not the stored run's


def test_a_new_runner_on_the_same_store_hits(project: Path) -> None:
    run(cached_runner(project)[0], ruff(project))
    runner, inner = cached_runner(project)
    assert run(runner, ruff(project)).cached
    assert not inner.ran


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
    # ruff, black and mypy skip environments, but pylint --recursive=y lints any .py file under the source.
    (project / "src" / ".venv").mkdir()
    (project / "src" / ".venv" / "lib.py").write_text("import os\n", encoding="utf-8")


def _edit_config(project: Path) -> None:
    with (project / "cfg" / "pyproject.toml").open("a", encoding="utf-8") as file:
        file.write("# edited\n")


def _edit_other_tool_config(project: Path) -> None:
    with (project / "cfg" / "mypy.ini").open("a", encoding="utf-8") as file:
        file.write("# edited\n")


def _edit_pins(project: Path) -> None:
    pins = project / "cfg" / "requirements.txt"
    pins.write_text(pins.read_text(encoding="utf-8").replace("ruff==0.17.6", "ruff==0.17.5"), encoding="utf-8")


def _gitignore_above_source(project: Path) -> None:
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
    _edit_config,
    _edit_other_tool_config,
    _edit_pins,
    _gitignore_above_source,
]


@pytest.mark.parametrize("change", CHANGES, ids=[change.__name__.strip("_") for change in CHANGES])
def test_any_change_to_an_input_misses(project: Path, change: Callable[[Path], None]) -> None:
    runner, inner = cached_runner(project)
    run(runner, ruff(project))
    change(project)
    assert not run(runner, ruff(project)).cached
    assert len(inner.ran) == 2
    assert run(runner, ruff(project)).cached  # and the new state is stored in turn
    assert len(inner.ran) == 2


def test_an_edit_that_is_undone_hits_again(project: Path) -> None:
    runner, inner = cached_runner(project)
    original = (project / "src" / "app.py").read_text(encoding="utf-8")
    run(runner, ruff(project))
    (project / "src" / "app.py").write_text("VALUE = 2\n", encoding="utf-8")
    run(runner, ruff(project))
    (project / "src" / "app.py").write_text(original, encoding="utf-8")
    assert run(runner, ruff(project)).cached
    assert len(inner.ran) == 2


def test_caches_and_bytecode_do_not_change_the_key(project: Path) -> None:
    runner, inner = cached_runner(project)
    run(runner, ruff(project))
    for name in ("__pycache__", ".mypy_cache", ".ruff_cache", ".pytest_cache", ".git"):
        (project / "src" / name).mkdir()
        (project / "src" / name / "data").write_bytes(b"volatile")
    (project / "src" / ".venv").mkdir()
    (project / "src" / ".venv" / "pyvenv.cfg").write_text("home = /usr\n", encoding="utf-8")
    assert run(runner, ruff(project)).cached
    assert len(inner.ran) == 1


def test_another_tool_or_other_arguments_miss(project: Path) -> None:
    runner, inner = cached_runner(project)
    command = ruff(project)
    run(runner, command)
    other_args = dataclasses.replace(command, args=(*command.args, "--select", "E"))
    other_tool = CHECKS["mypy"].command(layout_of(project))
    assert not run(runner, other_args).cached
    assert not run(runner, other_tool).cached
    assert [c.tool for c in inner.ran] == ["ruff", "ruff", "mypy"]


def test_the_same_tree_checked_from_another_working_directory_misses(project: Path, tmp_path: Path) -> None:
    run(cached_runner(project)[0], ruff(project))
    moved = shutil.copytree(project, tmp_path / "elsewhere")
    runner = CachingRunner(CountingRunner(layout_of(moved)), project.parent / "store")
    assert not run(runner, ruff(moved)).cached  # ruff prints absolute paths: the stored output names the old tree


@pytest.mark.parametrize("content", [b"", b"{not json", b'{"format": 1}', b"\xff\xfe", b'{"format": "x", "key": []}'])
def test_a_corrupt_entry_is_a_miss_and_is_replaced(project: Path, content: bytes) -> None:
    runner, inner = cached_runner(project)
    run(runner, ruff(project))
    [entry] = runner.store.glob("*.json")
    entry.write_bytes(content)
    assert not run(runner, ruff(project)).cached
    assert run(runner, ruff(project)).cached
    assert len(inner.ran) == 2


def test_an_entry_that_cannot_be_read_or_written_is_a_miss_never_a_crash(project: Path) -> None:
    runner, inner = cached_runner(project)
    run(runner, ruff(project))
    [entry] = runner.store.glob("*.json")
    entry.unlink()
    entry.mkdir()  # neither readable as a file nor replaceable by one
    assert not run(runner, ruff(project)).cached
    assert not run(runner, ruff(project)).cached
    assert len(inner.ran) == 3


def test_a_store_that_cannot_be_created_is_a_miss_never_a_crash(project: Path) -> None:
    blocker = project.parent / "blocker"
    blocker.write_text("a file where the store's parent should be", encoding="utf-8")
    inner = CountingRunner(layout_of(project))
    runner = CachingRunner(inner, blocker / "results")
    assert not run(runner, ruff(project)).cached
    assert not run(runner, ruff(project)).cached
    assert len(inner.ran) == 2


def test_an_execution_with_an_error_is_never_stored(project: Path) -> None:
    failed = Execution(127, "", "", 0.0, error="ruff is not installed")
    runner, inner = cached_runner(project, CountingRunner(layout_of(project), failed))
    assert run(runner, ruff(project)).error == "ruff is not installed"
    assert run(runner, ruff(project)).error == "ruff is not installed"
    assert len(inner.ran) == 2
    assert not list(runner.store.glob("*.json"))


@pytest.mark.parametrize("answer", [Execution(2, "", "ruff crashed", 0.1), Execution(-9, "", "", 0.1)])
def test_a_tool_that_could_not_run_is_run_again(project: Path, answer: Execution) -> None:
    runner, inner = cached_runner(project, CountingRunner(layout_of(project), answer))
    run(runner, ruff(project))
    assert not run(runner, ruff(project)).cached
    assert len(inner.ran) == 2


def test_findings_are_stored_like_a_pass(project: Path) -> None:
    finding = '[{"code": "F401", "message": "unused", "filename": "src/app.py", "location": {"row": 1, "column": 1}}]'
    runner, inner = cached_runner(project, CountingRunner(layout_of(project), Execution(1, finding, "", 0.1)))
    run(runner, ruff(project))
    replay = run(runner, ruff(project))
    assert replay.cached and (replay.exit_code, replay.stdout) == (1, finding)
    assert len(inner.ran) == 1


def test_a_tree_edited_while_the_tool_runs_is_not_stored(project: Path) -> None:
    inner = CountingRunner(layout_of(project), on_run=lambda: _add_source(project) if len(inner.ran) == 1 else None)
    runner, _ = cached_runner(project, inner)
    run(runner, ruff(project))
    (project / "src" / "pkg" / "extra.py").unlink()  # back to the tree the run started from
    assert not run(runner, ruff(project)).cached  # the first result may describe either tree: it was not kept
    assert run(runner, ruff(project)).cached


def test_a_command_that_is_not_a_check_is_never_stored(project: Path) -> None:
    # rewrites files: must always run
    fixer = Command("ruff", "ruff", ("check", "--fix", "src"), "RUFF_CACHE_DIR", "pyproject.toml")
    runner, inner = cached_runner(project)
    run(runner, fixer)
    assert not run(runner, fixer).cached
    assert len(inner.ran) == 2


def test_entries_are_written_whole(project: Path) -> None:
    runner, _ = cached_runner(project)
    run(runner, ruff(project))
    assert [path.name.startswith(".tmp-") for path in runner.store.iterdir()] == [False]


def test_caching_wraps_only_when_enabled(tmp_path: Path) -> None:
    local = LocalRunner(Layout("src", ".config", str(tmp_path)), tmp_path / "cache")
    assert caching(local, tmp_path / "cache", enabled=False) is local
    wrapped = caching(local, tmp_path / "cache", enabled=True)
    assert isinstance(wrapped, CachingRunner)
    assert wrapped.layout is local.layout and wrapped.store == tmp_path / "cache" / "results"


def test_with_the_real_tool_a_hit_gives_the_same_result(project: Path, tmp_path: Path) -> None:
    (project / "src" / "app.py").write_text("import os\nVALUE = 1\n", encoding="utf-8")  # one ruff finding (F401)
    local = LocalRunner(layout_of(project), tmp_path / "cache")
    runner = caching(local, tmp_path / "cache", enabled=True)
    first = anyio.run(gate.run_check, runner, CHECKS["ruff"])
    second = anyio.run(gate.run_check, runner, CHECKS["ruff"])
    assert first.verdict is Verdict.FAILED and not first.cached
    assert second.cached and second.outcome == first.outcome and second.exit_code == first.exit_code
    assert list((tmp_path / "cache" / "results").glob("*.json"))
    assert not any(path.name.endswith("_cache") for path in project.rglob("*"))  # nothing written into the tree
