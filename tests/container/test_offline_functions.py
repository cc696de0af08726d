"""The Dagger functions run offline (the engine's answers come from a checkout on disk): baseline, requirements."""

# Test names say what each test proves.
# pylint: disable=missing-function-docstring

from __future__ import annotations

import json
from pathlib import Path

import anyio
import pytest
from helpers.chains import chain, index
from helpers.engine import OfflineEngine, called
from helpers.gate import make_project, run_gate, said
from helpers.paths import TOOLS_PYTHON
from helpers.sarif import validated
from quality_gate.baseline.file import FILE_NAME, load
from quality_gate.commands import PROJECT_REQUIREMENTS, TOOL_REQUIREMENTS
from quality_gate.container.module import CouldNotRunError, GateError
from quality_gate.container.runner import PROJECT_PINS_PATH
from quality_gate.functions import all_checks
from quality_gate.local.tools_env import pinned

APP = '"""Planted."""\n\nimport os\n\n\ndef shout(text):\n    """Shout."""\n    return text.upper()\n'


@pytest.fixture(name="engine")
def fixture_engine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> OfflineEngine:
    root = make_project(tmp_path / "project", {"src/app.py": APP})
    return OfflineEngine(root, tmp_path / "engine", str(TOOLS_PYTHON), monkeypatch.setattr)


def recorded(engine: OfflineEngine, *args: bool) -> str:
    """`dagger call baseline` then `export`: the file's contents, read from the query the function returned."""
    file = called(engine.gate().baseline, *args)
    [(field, arguments)] = chain(file)
    assert field == "file" and arguments["name"] == FILE_NAME
    contents: str = arguments["contents"]
    return contents


def test_baseline_returns_the_file_to_export_with_every_finding(engine: OfflineEngine) -> None:
    with pytest.raises(GateError, match="gate failed"):
        called(engine.gate().run_all)
    text = recorded(engine)
    assert sorted(engine.execs[-4:]) == ["black", "mypy", "pylint", "ruff"], "the four tools ran"
    assert load(text, FILE_NAME).per_tool() == {"pylint": 1, "mypy": 1, "ruff": 1}
    assert "src/app.py" in engine.read, "each finding's line read from the workspace"


def test_with_the_committed_file_the_checks_pass_and_a_new_finding_fails(engine: OfflineEngine) -> None:
    (engine.root / ".config" / FILE_NAME).write_text(recorded(engine), encoding="utf-8")
    engine.read.clear()
    passed: str = called(engine.gate().run_all)
    assert f".config/{FILE_NAME}" in engine.read, "the committed baseline, read from the workspace"
    assert passed.rstrip().splitlines()[-1] == "gate passed: pylint, black, mypy, ruff passed"
    assert called(engine.gate().mypy).splitlines()[-1].startswith("mypy passed: 0 new findings (1 known")
    app = engine.root / "src" / "app.py"
    app.write_text("# a line above everything\n" + app.read_text(encoding="utf-8") + "\nimport sys\n", encoding="utf-8")
    with pytest.raises(GateError) as failed:
        called(engine.gate().ruff)
    assert str(failed.value).splitlines()[-1] == "ruff failed: 2 new findings (1 known, 0 fixed since the baseline)"
    assert "src/app.py:11:8: F401 `sys` imported but unused" in str(failed.value), "the new ones listed"
    assert "src/app.py:4:8: F401" not in str(failed.value), "the known one is not"


def test_baseline_again_only_drops_fixed_entries_unless_reset(engine: OfflineEngine) -> None:
    committed = engine.root / ".config" / FILE_NAME
    committed.write_text(recorded(engine), encoding="utf-8")
    app = engine.root / "src" / "app.py"
    app.write_text(app.read_text(encoding="utf-8").replace("import os\n", "import sys\n"), encoding="utf-8")
    tightened = load(recorded(engine), FILE_NAME)
    assert tightened.per_tool() == {"mypy": 1}, "os is fixed; sys is new, and not added"
    assert load(recorded(engine, True), FILE_NAME).per_tool() == {"pylint": 1, "mypy": 1, "ruff": 1}


def test_a_corrupt_committed_baseline_is_one_clear_error(engine: OfflineEngine) -> None:
    (engine.root / ".config" / FILE_NAME).write_text("{", encoding="utf-8")
    with pytest.raises(CouldNotRunError) as raised:
        called(engine.gate().lint)
    assert raised.value.exit_code == 2, "bad input, as locally"
    [line] = raised.value.stderr.splitlines()
    assert line.startswith(f".config/{FILE_NAME} is not a quality-gate baseline")
    assert not engine.execs, "no tool ran"


def test_reset_records_anew_without_reading_a_corrupt_committed_baseline(engine: OfflineEngine) -> None:
    (engine.root / ".config" / FILE_NAME).write_text("{", encoding="utf-8")
    assert load(recorded(engine, True), FILE_NAME).per_tool() == {"pylint": 1, "mypy": 1, "ruff": 1}
    assert f".config/{FILE_NAME}" not in engine.read, "the old file is not read"


def test_report_fingerprints_are_the_local_runners_and_name_where_each_finding_lies(
    engine: OfflineEngine, tmp_path: Path
) -> None:
    """Both front doors anchor every finding (its function, its line) for its fingerprint, baseline or not."""
    steps = chain(called(engine.gate().report))
    written = {args["path"]: args["contents"] for field, args in steps if field == "withNewFile"}
    assert "src/app.py" in engine.read, "the finding's file read from the workspace"
    local = run_gate(engine.root, "report", "--output", str(tmp_path / "reports"), cache=tmp_path / "cache")
    assert local.returncode == 1, said(local)
    report = "gl-code-quality-report.json"
    theirs = json.loads((tmp_path / "reports" / report).read_text(encoding="utf-8"))
    ours = json.loads(written[report])
    # ruff names files absolutely, and this engine runs it in the checkout, not under the container's
    # /gate: its paths (not the gate's) differ here, so its findings are left out of the comparison.
    compared = [(i["fingerprint"], i["check_name"]) for i in ours if i["engine_name"] != "ruff"]
    assert sorted(compared) == sorted((i["fingerprint"], i["check_name"]) for i in theirs if i["engine_name"] != "ruff")
    assert {name for _, name in compared} == {"pylint:W0611", "mypy:no-untyped-def"}


def test_report_returns_the_sarif_log_the_local_runner_writes(engine: OfflineEngine, tmp_path: Path) -> None:
    """The same runs, rules and fingerprints from both front doors; each tool's version read from the pins the
    toolbox installs."""
    steps = chain(called(engine.gate().report))
    written = {args["path"]: args["contents"] for field, args in steps if field == "withNewFile"}
    assert f".config/{TOOL_REQUIREMENTS}" in engine.read, "the pins, read from the workspace"
    (tmp_path / "dagger.sarif").write_text(written["quality-gate.sarif"], encoding="utf-8")
    theirs = validated(tmp_path / "dagger.sarif")
    local = run_gate(engine.root, "report", "--output", str(tmp_path / "reports"), cache=tmp_path / "cache")
    assert local.returncode == 1, said(local)
    ours = validated(tmp_path / "reports" / "quality-gate.sarif")
    pins = pinned((engine.root / ".config" / TOOL_REQUIREMENTS).read_text(encoding="utf-8"))
    assert [run["tool"]["driver"]["version"] for run in theirs["runs"]] == [pins[check.name] for check in all_checks()]
    # ruff's paths differ here (see the Code Quality test above): its run is compared without its results.
    for mine, other in zip(ours["runs"], theirs["runs"], strict=True):
        if mine["tool"]["driver"]["name"] == "ruff":
            mine["results"] = other["results"] = []
        assert mine == other
    assert [len(run["results"]) for run in theirs["runs"]] == [1, 0, 1, 0]


def test_a_repeated_entry_of_the_committed_baseline_is_said_in_the_log(
    engine: OfflineEngine, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = recorded(engine).splitlines(keepends=True)
    entry = next(line for line in lines if '"F401"' in line).rstrip("\n").rstrip(",") + ",\n"
    (engine.root / ".config" / FILE_NAME).write_text("".join([*lines[:3], entry, *lines[3:]]), encoding="utf-8")
    capsys.readouterr()
    called(engine.gate().run_all)
    note = f"note: .config/{FILE_NAME} repeats an entry (counted once); run `baseline` to write it without repeats"
    assert note in capsys.readouterr().err.splitlines()


def test_the_project_requirements_in_the_config_put_their_layer_in_the_toolbox(engine: OfflineEngine) -> None:
    prepared = engine.gate()._prepared  # pylint: disable=protected-access
    without = chain(anyio.run(prepared, all_checks())[0].base)
    assert not [args for field, args in without if args.get("path") == PROJECT_PINS_PATH]
    (engine.root / ".config" / PROJECT_REQUIREMENTS).write_text("x==1 --hash=sha256:00\n", encoding="utf-8")
    steps = chain(anyio.run(prepared, all_checks())[0].base)
    assert index(steps, "withFile", path=PROJECT_PINS_PATH) < index(steps, "withMountedDirectory", path="/gate/src")


def test_a_module_of_the_workspace_never_replaces_the_standard_library_in_the_container(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the whole repository as the source, a `json.py` at its root sits in the tools' working directory."""
    shadow = 'raise SystemExit("the workspace\'s json.py was imported")\n'
    root = make_project(tmp_path / "project", {"json.py": shadow, "app.py": '"""App."""\n'})
    engine = OfflineEngine(root, tmp_path / "engine", str(TOOLS_PYTHON), monkeypatch.setattr)
    with pytest.raises(GateError) as failed:
        called(engine.gate(source_path=".").run_all)
    assert "json.py was imported" not in str(failed.value)
    assert "could not run" not in str(failed.value), "every tool ran and judged the files"
    assert sorted(engine.execs) == ["black", "mypy", "pylint", "ruff"]


def test_two_projects_on_one_engine_never_share_a_cache_volume(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """One engine (its volumes kept in one place), two repositories laid out alike: each has its own volumes."""
    volumes: dict[str, set[str]] = {}
    for name, project in (("a", ""), ("b", ""), ("c", "group/c"), ("d", "group/d"), ("e", "group/c")):
        root = make_project(tmp_path / name, {"src/app.py": APP, f"src/{name}.py": '"""Module."""\n'})
        engine = OfflineEngine(root, tmp_path / "engine", str(TOOLS_PYTHON), monkeypatch.setattr)
        with pytest.raises(GateError):
            called(engine.gate(project=project).lint)
        volumes[name] = set(engine.volumes) - {"quality-gate-pip"}  # pip's downloads are hash-checked, shared
    assert all(len(names) == 1 and next(iter(names)).endswith("-pylint") for names in volumes.values())
    assert len({frozenset(volumes[name]) for name in "abcd"}) == 4, "without --project, and with one each"
    assert volumes["e"] == volumes["c"], "the same project's next pipeline finds its state"


def test_what_git_ignores_is_not_checked_even_in_a_workspace_given_on_the_command_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`dagger -m <address> call --workspace=.` sends the folder without .gitignore's rules; the module applies them."""
    root = make_project(tmp_path / "project", {"src/app.py": APP, "src/generated/out.py": "import sys\n"})
    (root / ".gitignore").write_text("src/generated/\n", encoding="utf-8")
    engine = OfflineEngine(root, tmp_path / "engine", str(TOOLS_PYTHON), monkeypatch.setattr)
    with pytest.raises(GateError) as failed:
        called(engine.gate().ruff)
    assert "src/app.py" in str(failed.value)
    assert "generated" not in str(failed.value), "the ignored module is not checked"
