"""Config files the tools would silently half-apply or ignore: an unknown key, or no section for the tool at all."""

# Test names say what each test proves.
# pylint: disable=missing-function-docstring

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import anyio
import pytest
from helpers.gate import gate_command
from helpers.paths import CONFIG
from helpers.tree_runs import layout
from quality_gate.app import run as gate
from quality_gate.checks import CHECKS
from quality_gate.findings import Verdict
from quality_gate.local.runner import LocalRunner

CLEAN = '''"""A module nothing is wrong with."""


def double(number: int) -> int:
    """Twice the number."""
    return number * 2
'''


def project(tmp_path: Path, config_file: str | None = None, text: str = "") -> Path:
    """A project root with src/clean.py and the gate's .config, one file of which may be replaced."""
    root = tmp_path / "project"
    (root / "src").mkdir(parents=True)
    (root / "src" / "clean.py").write_text(CLEAN, encoding="utf-8")
    shutil.copytree(CONFIG, root / ".config")
    if config_file is not None:
        (root / ".config" / config_file).write_text(text, encoding="utf-8")
    return root


def gate_in(root: Path, *args: str, cache: Path) -> subprocess.CompletedProcess[str]:
    argv, env = gate_command(*args, cache=cache)
    return subprocess.run(argv, cwd=root, env=env, capture_output=True, text=True, check=False)


@pytest.mark.parametrize(
    ("config_file", "text", "named"),
    [
        ("black.toml", "[tool.black]\nline-length = 120\nline_lenght = 100\n", "line_lenght"),
        ("pyproject.toml", "[tool.ruff]\nline_lenght = 120\n", "line_lenght"),
        ("pyproject.toml", '[tool.ruff.lint]\nselect = ["E"]\nno-such-key = 3\n', "no-such-key"),
    ],
)
def test_unknown_config_key_could_not_run(
    tmp_path: Path, cache_root: Path, config_file: str, text: str, named: str
) -> None:
    """black warns and runs without the key; ruff stops: both are 'could not run', in one readable line."""
    tool = next(name for name, check in CHECKS.items() if check.tool.config_file == config_file)
    config = tmp_path / "config"
    shutil.copytree(CONFIG, config)
    (config / config_file).write_text(text, encoding="utf-8")
    result = anyio.run(gate.run_check, LocalRunner(layout("clean", config), cache_root), CHECKS[tool])
    assert result.verdict is Verdict.BROKEN, result.outcome
    assert result.outcome.headline.startswith(f"{tool} could not run: ")
    assert named in result.outcome.headline
    assert "\n" not in result.outcome.headline
    assert "expected one of" not in result.outcome.headline, "not ruff's list of every valid key"


@pytest.mark.parametrize(
    ("config_file", "text", "missing"),
    [
        (".pylintrc", "", "no section"),
        (".pylintrc", "# settings to come\n", "no section"),
        ("black.toml", "", "no [tool.black] table"),
        ("black.toml", "[tool.ruff]\nline-length = 120\n", "no [tool.black] table"),
        ("mypy.ini", "", "no [mypy] section"),
        ("mypy.ini", "[mpyy]\nstrict = True\n", "no [mypy] section"),
        ("pyproject.toml", "", "no [tool.ruff] table"),
        ("pyproject.toml", "# rules to come\n", "no [tool.ruff] table"),
    ],
)
def test_config_file_without_its_section_stops_the_gate_before_any_tool(
    tmp_path: Path, config_file: str, text: str, missing: str
) -> None:
    """Empty, comments only or another tool's section: the tool would run with its defaults. Like a missing file."""
    root = project(tmp_path, config_file, text)
    done = gate_in(root, "run-all", cache=tmp_path / "cache")
    assert done.returncode == 2, done
    assert done.stdout == "", "no tool ran"
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith(f"error: .config/{config_file} has {missing}: the tool would run with its defaults")
    assert "or add the section (it may be empty)" in lines[0]


@pytest.mark.parametrize(
    ("function", "tool", "config_file", "section"),
    [
        ("lint", "pylint", ".pylintrc", "[MAIN]\n"),
        ("format", "black", "black.toml", "[tool.black]\n"),
        ("mypy", "mypy", "mypy.ini", "[mypy]\n"),
        ("ruff", "ruff", "pyproject.toml", "[tool.ruff]\n"),
    ],
)
def test_an_empty_section_takes_the_tools_defaults_on_purpose(
    tmp_path: Path, function: str, tool: str, config_file: str, section: str
) -> None:
    root = project(tmp_path, config_file, section)
    done = gate_in(root, function, cache=tmp_path / "cache")
    assert done.returncode == 0, done
    assert done.stdout.splitlines()[-1].startswith(f"{tool} passed")
