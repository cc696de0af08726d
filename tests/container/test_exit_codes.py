"""Through `dagger call`, the module's verdicts keep the local runner's exit codes and its one-line input errors.

`dagger call` exits with an exec error's own code and with 1 for any other error (cmd/dagger/functions.go of
Dagger 0.21). So findings raise GateError (1), and a tool that could not run, or input that is wrong, ends in
an exec that exits 2 with the text on stderr, whose error the module raises (CouldNotRunError). The engine
double fails as the engine does for a path that is not there (a QueryError, not an empty answer), so a
missing source or configuration would surface as the engine's own error if the module did not check first.
"""

# Test names say what each test proves; pytest fixtures arrive as parameters named like the fixture.
# pylint: disable=missing-function-docstring

from __future__ import annotations

import logging
import shutil
from pathlib import Path
from typing import Any, cast

import anyio
import dagger
import pytest
from helpers.engine import OfflineEngine, called, chain
from helpers.gate import make_project, run_gate
from helpers.paths import FIXTURES, TOOLS_PYTHON
from quality_gate.container.module import CouldNotRunError, GateError, QualityGate

APP = '"""Planted."""\n\nimport os\n'


@pytest.fixture(name="engine")
def fixture_engine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> OfflineEngine:
    root = make_project(tmp_path / "project", {"src/app.py": APP})
    return OfflineEngine(root, tmp_path / "engine", str(TOOLS_PYTHON), monkeypatch.setattr)


def could_not_run(engine: OfflineEngine, function: str, **paths: str) -> str:
    """The one stderr line of a call that exits 2, after checking that no tool ran."""
    with pytest.raises(CouldNotRunError) as raised:
        called(getattr(engine.gate(**paths), function))
    assert raised.value.exit_code == 2
    assert engine.execs == [], "no tool ran"
    lines = raised.value.stderr.splitlines()
    assert len(lines) == 1, raised.value.stderr
    return lines[0]


@pytest.mark.parametrize("function", ["lint", "run_all", "report", "baseline", "fix"])
def test_a_missing_source_is_one_line_and_exit_2(engine: OfflineEngine, function: str) -> None:
    line = could_not_run(engine, function, source_path="no/such/dir")
    assert line == (
        "--source-path 'no/such/dir' is not a directory in the repository (the workspace); pass --source-path DIR"
    )
    assert engine.execs == [] and len(engine.images) == 1, "only the exec that says so: no toolbox was built"


def test_the_local_runner_says_the_same_for_the_same_mistake(engine: OfflineEngine, tmp_path: Path) -> None:
    dagger_line = could_not_run(engine, "lint", source_path="no/such/dir")
    local = run_gate(engine.root, "lint", "--source", "no/such/dir", cache=tmp_path / "cache")
    assert local.returncode == 2
    local_line = local.stderr.strip().removeprefix("error: ")
    for line, option in ((dagger_line, "--source-path"), (local_line, "--source")):
        assert line.startswith(f"{option} 'no/such/dir' is not a directory "), line
        assert line.endswith(f"; pass {option} DIR"), line


def test_a_missing_config_directory_is_one_line_and_exit_2(engine: OfflineEngine) -> None:
    line = could_not_run(engine, "mypy", config_path="ci/config")
    assert line.startswith("--config-path 'ci/config' is not a directory in the repository")
    # Only the default folder may be missing: the shipped files stand in (tests/container/test_bundled_defaults.py).


@pytest.mark.parametrize(
    ("source_path", "expected"),
    [
        ("../elsewhere", "--source-path '../elsewhere' must be relative to the repository root, like 'src'"),
        ("", "--source-path is empty: name a directory of the repository, like 'src' ('.' for all of it)"),
    ],
)
def test_a_source_path_outside_or_empty_is_one_line_and_exit_2(
    engine: OfflineEngine, source_path: str, expected: str
) -> None:
    assert could_not_run(engine, "ruff", source_path=source_path) == expected


def test_a_source_without_python_files_is_one_line_and_exit_2(engine: OfflineEngine) -> None:
    (engine.root / "docs").mkdir()
    (engine.root / "docs" / "index.md").write_text("# Docs\n", encoding="utf-8")
    assert could_not_run(engine, "format", source_path="docs").startswith("no Python file under 'docs'")


def test_a_tool_that_could_not_run_exits_2_with_the_report_on_stderr(engine: OfflineEngine) -> None:
    shutil.copy(FIXTURES / "bad_config" / "pylint_bad_value" / ".pylintrc", engine.root / ".config" / ".pylintrc")
    with pytest.raises(CouldNotRunError) as raised:
        called(engine.gate().run_all)
    assert raised.value.exit_code == 2
    assert raised.value.stderr.rstrip().splitlines()[-1].startswith("gate failed: pylint (could not run)")
    assert sorted(engine.execs) == ["black", "mypy", "pylint", "ruff"], "every tool ran, and every result is there"


def test_findings_alone_are_a_plain_function_error_exit_1(engine: OfflineEngine) -> None:
    with pytest.raises(GateError) as raised:
        called(engine.gate().ruff)
    assert not isinstance(raised.value, dagger.ExecError), "dagger call exits 1 for any error but an exec's"
    assert str(raised.value).splitlines()[-1].startswith("ruff failed: 1 finding")


def test_the_sdk_hands_exit_code_2_to_the_engine_without_a_traceback(
    engine: OfflineEngine, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """What the runtime does with the error: Module.call lets it through unlogged; record_exception sends it to
    the engine as a dagger.Error whose values are the exec error's extensions, the ones `dagger call` reads."""
    from dagger.mod._exceptions import record_exception  # pylint: disable=import-outside-toplevel

    module = cast(Any, QualityGate).__dagger_module__  # pylint: disable=no-member  # set by @object_type
    with caplog.at_level(logging.DEBUG), pytest.raises(CouldNotRunError) as raised:
        anyio.run(module.call, engine.gate(source_path="nope").lint)
    assert not [record for record in caplog.records if record.exc_info], "no traceback in the function's log"
    sent: list[Any] = []

    async def return_error(call: dagger.FunctionCall, error: dagger.Error) -> None:
        del call
        sent.extend(chain(error))

    monkeypatch.setattr(dagger.FunctionCall, "return_error", return_error)
    anyio.run(record_exception, raised.value)
    values = {args["name"]: args["value"] for field, args in sent if field == "withValue"}
    assert values["_type"] == '"EXEC_ERROR"'
    assert values["exitCode"] == "2"
    assert "is not a directory in the repository" in values["stderr"]
