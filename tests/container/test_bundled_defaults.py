"""The module runs on its shipped configuration where the project has none: the project's own files win, file by file.

The shipped files are this repository's .config/, which dagger.json includes in what the engine loads of the
module; the module reads them from there (quality_gate.defaults) and gives them to the tools in the same
config folder as the project's own. The summary's config column says which file each tool ran with.
"""

# Test names say what each test proves; pytest fixtures arrive as parameters named like the fixture.
# pylint: disable=missing-function-docstring

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from helpers.engine import OfflineEngine, called, chain
from helpers.paths import CONFIG, REPO, TOOLS_PYTHON
from quality_gate import defaults
from quality_gate.container.module import CouldNotRunError, GateError
from quality_gate.functions import all_checks

APP = '"""Planted."""\n\nimport os\n\n\ndef shout(text):\n    """Shout."""\n    return text.upper()\n'


def bare_project(root: Path) -> Path:
    """A repository with only its code: no .config/, none of the gate's files."""
    (root / "src").mkdir(parents=True)
    (root / "src" / "app.py").write_text(APP, encoding="utf-8")
    return root


def table_rows(report: str) -> dict[str, list[str]]:
    """The summary table's rows by tool (its first occurrence)."""
    lines = report.splitlines()
    start = next(index for index, line in enumerate(lines) if line.startswith("tool "))
    rows = {}
    for line in lines[start + 1 :]:
        if not line.strip():
            break
        rows[line.split()[0]] = line.split()
    return rows


def test_the_shipped_files_are_this_repositorys_config_and_the_engine_loads_them() -> None:
    assert defaults.directory() == CONFIG.resolve()
    manifest = json.loads((REPO / "dagger.json").read_text(encoding="utf-8"))
    assert manifest["include"] == [".config/**"], "the module's own .config/ travels with it, remotely too"


def test_a_project_without_config_runs_on_the_shipped_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    engine = OfflineEngine(bare_project(tmp_path / "repo"), tmp_path / "engine", str(TOOLS_PYTHON), monkeypatch.setattr)
    with pytest.raises(GateError) as raised:
        called(engine.gate().run_all)
    rows = table_rows(str(raised.value))
    assert {tool: row[-2:] for tool, row in rows.items()} == {
        "pylint": ["bundled", ".pylintrc"],
        "black": ["bundled", "black.toml"],
        "mypy": ["bundled", "mypy.ini"],
        "ruff": ["bundled", "pyproject.toml"],
    }
    assert {tool: row[2] for tool, row in rows.items()} == {"pylint": "1", "black": "0", "mypy": "1", "ruff": "1"}
    assert not (engine.root / ".config").exists(), "nothing written into the project"


def test_the_tools_get_the_shipped_texts_where_they_read_their_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = OfflineEngine(bare_project(tmp_path / "repo"), tmp_path / "engine", str(TOOLS_PYTHON), monkeypatch.setattr)
    runner, _ = called(engine.gate()._prepared, all_checks())  # pylint: disable=protected-access
    config = engine.resolve(chain(runner.config))
    for name in ("requirements.txt", ".pylintrc", "black.toml", "mypy.ini", "pyproject.toml"):
        assert (config / name).read_bytes() == (CONFIG / name).read_bytes(), name


def test_the_projects_own_file_wins_file_by_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = bare_project(tmp_path / "repo")
    (root / ".config").mkdir()
    shutil.copy(CONFIG / "pyproject.toml", root / ".config" / "pyproject.toml")
    own = (root / ".config" / "pyproject.toml").read_text(encoding="utf-8")
    ignoring = own.replace("[tool.ruff.lint]\n", '[tool.ruff.lint]\nignore = ["F401"]\n', 1)
    assert ignoring != own
    (root / ".config" / "pyproject.toml").write_text(ignoring, encoding="utf-8")
    engine = OfflineEngine(root, tmp_path / "engine", str(TOOLS_PYTHON), monkeypatch.setattr)
    with pytest.raises(GateError) as raised:
        called(engine.gate().run_all)
    rows = table_rows(str(raised.value))
    assert rows["ruff"][-1] == ".config/pyproject.toml" and rows["ruff"][2] == "0", "the project's rule set"
    assert rows["pylint"][-2:] == ["bundled", ".pylintrc"]


def test_a_config_path_given_must_be_there(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    engine = OfflineEngine(bare_project(tmp_path / "repo"), tmp_path / "engine", str(TOOLS_PYTHON), monkeypatch.setattr)
    with pytest.raises(CouldNotRunError) as raised:
        called(engine.gate(config_path="ci").lint)
    assert raised.value.stderr.startswith("--config-path 'ci' is not a directory in the repository")
