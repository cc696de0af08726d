"""The local runner on a project without the gate's files: the shipped configuration stands in, file by file.

The findings on the shipped files equal the tools' own run with those files; a file of the project's own wins
over the shipped one; a --config given must exist; `baseline` makes the project's .config/ for its file.
"""

# Test names say what each test proves.
# pylint: disable=missing-function-docstring

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from helpers.gate import run_gate, said
from helpers.paths import CONFIG, snapshot

APP = (
    '"""Planted."""\n\nimport os\n\nVALUES = {  "a":1}\n\n\n'
    'def shout(text):\n    """Shout."""\n    return text.upper()\n'
)


def bare_project(root: Path) -> Path:
    """A git repository with only its code: no .config/, none of the gate's files."""
    (root / "src").mkdir(parents=True)
    (root / "src" / "app.py").write_text(APP, encoding="utf-8")
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    return root


def rows(table_text: str) -> dict[str, list[str]]:
    """The summary table's rows by tool."""
    lines = table_text.splitlines()
    start = next(index for index, line in enumerate(lines) if line.startswith("tool "))
    found = {}
    for line in lines[start + 1 :]:
        if not line.strip():
            break
        found[line.split()[0]] = line.split()
    return found


def direct(root: Path, cache: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """A tool run directly from the project's root with the shipped file."""
    env = {"PYTHONHASHSEED": "0", "MYPY_CACHE_DIR": str(cache / "mypy"), "PYLINTHOME": str(cache / "pylint")}
    env["BLACK_CACHE_DIR"] = str(cache / "black")
    command = [sys.executable, "-P", "-m", *args]
    return subprocess.run(command, cwd=root, env=env, capture_output=True, text=True, check=False)


def test_a_bare_project_runs_on_the_shipped_files_and_finds_what_the_tools_find(tmp_path: Path) -> None:
    root = bare_project(tmp_path / "repo")
    before = snapshot(root)
    done = run_gate(root, "report", "--output", str(tmp_path / "reports"), cache=tmp_path / "cache")
    assert done.returncode == 1, said(done)
    table = rows(done.stdout)
    assert {tool: row[-2:] for tool, row in table.items()} == {
        "pylint": ["bundled", ".pylintrc"],
        "black": ["bundled", "black.toml"],
        "mypy": ["bundled", "mypy.ini"],
        "ruff": ["bundled", "pyproject.toml"],
    }
    report = json.loads((tmp_path / "reports" / "gl-code-quality-report.json").read_text(encoding="utf-8"))
    by_tool = {tool: sum(1 for f in report if f["check_name"].startswith(f"{tool}:")) for tool in table}
    pylint = direct(root, tmp_path / "direct", "pylint", "--rcfile", str(CONFIG / ".pylintrc"), "-f", "json2", "src")
    mypy = direct(root, tmp_path / "direct", "mypy", "--config-file", str(CONFIG / "mypy.ini"), "-O", "json", "src")
    ruff_config = str(CONFIG / "pyproject.toml")
    ruff = direct(
        root, tmp_path / "direct", "ruff", "check", "--no-cache", "--config", ruff_config, "--output-format=json", "src"
    )
    black = direct(root, tmp_path / "direct", "black", "--check", "--config", str(CONFIG / "black.toml"), "src")
    assert by_tool["pylint"] == len(json.loads(pylint.stdout)["messages"])
    assert by_tool["mypy"] == sum(1 for line in mypy.stdout.splitlines() if '"severity": "error"' in line)
    assert by_tool["ruff"] == len(json.loads(ruff.stdout))
    assert by_tool["black"] == black.stderr.count("would reformat")
    assert all(count > 0 for count in by_tool.values()), by_tool
    assert snapshot(root) == before, "nothing written into the project"


def test_the_projects_own_file_wins_file_by_file(tmp_path: Path) -> None:
    root = bare_project(tmp_path / "repo")
    (root / ".config").mkdir()
    (root / ".config" / "black.toml").write_text("[tool.black]\nline-length = 120\nskip-magic-trailing-comma = true\n")
    done = run_gate(root, "run-all", cache=tmp_path / "cache")
    table = rows(done.stdout)
    assert table["black"][-1] == ".config/black.toml"
    assert table["pylint"][-2:] == ["bundled", ".pylintrc"]


def test_a_config_folder_given_must_be_there(tmp_path: Path) -> None:
    done = run_gate(bare_project(tmp_path / "repo"), "lint", "--config", "ci", cache=tmp_path / "cache")
    assert done.returncode == 2, said(done)
    assert done.stderr.strip() == (
        "error: --config 'ci' is not a directory here (run the gate from your project's root); pass --config DIR"
    )


def test_baseline_makes_the_projects_config_folder_for_its_file(tmp_path: Path) -> None:
    root = bare_project(tmp_path / "repo")
    done = run_gate(root, "baseline", cache=tmp_path / "cache")
    assert done.returncode == 0, said(done)
    assert sorted(path.name for path in (root / ".config").iterdir()) == ["quality-baseline.json"]
    again = run_gate(root, "run-all", cache=tmp_path / "cache")
    assert again.returncode == 0, said(again)
