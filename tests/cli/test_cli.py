"""The local front door, `python -m quality_gate`, as a user runs it; and the project's own code through its gate."""

# Test names say what each test proves.
# pylint: disable=missing-function-docstring

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from helpers.gate import Project, gate_command
from helpers.paths import FIXTURES, REPO, tree


def gate(*args: str, cache: Path, cwd: Path = REPO, **env: str) -> subprocess.CompletedProcess[str]:
    """`python -m quality_gate ARGS --cache-dir CACHE`, run to its end."""
    argv, environment = gate_command(*args, cache=cache, **env)
    return subprocess.run(argv, cwd=cwd, env=environment, capture_output=True, text=True, check=False)


def report(done: subprocess.CompletedProcess[str]) -> str:
    """Both streams, for assertion messages."""
    return f"exit {done.returncode}\n--- stdout\n{done.stdout}\n--- stderr\n{done.stderr}"


@pytest.mark.parametrize(
    ("function", "name", "code", "verdict"),
    [
        ("ruff", "clean", 0, "ruff passed"),
        ("ruff", "ruff_only", 1, "ruff failed: 2 findings"),
        ("mypy", "mypy_only", 1, "mypy failed: "),
        ("format", "syntax_error", 2, "black could not run: cannot parse"),
    ],
)
def test_exit_code_and_final_verdict_line(cache_root: Path, function: str, name: str, code: int, verdict: str) -> None:
    """0 passed, 1 findings, 2 could not run; the output of one function ends with its one-line verdict."""
    done = gate(function, "--source", tree(name), cache=cache_root)
    assert done.returncode == code, report(done)
    assert done.stdout.rstrip("\n").splitlines()[-1].startswith(verdict), report(done)
    assert "Traceback" not in done.stderr


def test_findings_are_shown_with_their_position(cache_root: Path) -> None:
    done = gate("ruff", "--source", tree("ruff_only"), cache=cache_root)
    assert "tests/fixtures/ruff_only/paths.py:3:1: I001" in done.stdout, report(done)
    assert "tests/fixtures/ruff_only/paths.py:9:12: PTH110" in done.stdout, report(done)


def test_bad_config_from_the_command_line_could_not_run(cache_root: Path, tmp_path: Path) -> None:
    """The config path as typed (relative) is the one mypy names in its warning: still 'could not run'."""
    config = tmp_path / "config"
    config.mkdir()
    (config / "mypy.ini").write_text((FIXTURES / "bad_config" / "mypy_bad_value" / "mypy.ini").read_text())
    done = gate("mypy", "--source", tree("clean"), "--config", os.path.relpath(config, REPO), cache=cache_root)
    assert done.returncode == 2, report(done)
    assert done.stdout.splitlines()[-1].startswith("mypy could not run: "), report(done)
    assert "banana" in done.stdout.splitlines()[-1]


def _one_line_error(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 2, report(done)
    assert done.stdout == "", report(done)
    lines = done.stderr.splitlines()
    assert len(lines) == 1, report(done)
    assert lines[0].startswith("error: "), report(done)
    return lines[0]


def test_missing_source_is_a_one_line_error(cache_root: Path) -> None:
    line = _one_line_error(gate("lint", "--source", "no/such/dir", cache=cache_root))
    assert "'no/such/dir'" in line
    assert "is not a directory" in line
    assert "--source DIR" in line


@pytest.mark.parametrize("function", ["lint", "run-all"])
def test_an_empty_source_is_a_one_line_error_not_the_whole_project(tmp_path: Path, function: str) -> None:
    """`--source ''` (`make local-run-all SOURCE=`) would otherwise check the project's root, every folder of it."""
    project = Project.create(tmp_path, {"src/app.py": '"""App."""\n', "other/app.py": '"""Other."""\n'})
    line = _one_line_error(project.gate(function, "--source", ""))
    assert line == (
        "error: --source is empty; pass the directory to check from the project's root (--source DIR), "
        "or --source . for the whole project"
    )
    config = _one_line_error(project.gate(function, "--config", " "))
    assert config == "error: --config is empty; pass the directory of the tools' configuration (--config DIR)"


def test_a_file_the_config_lacks_is_the_shipped_one_and_the_summary_says_so(cache_root: Path, tmp_path: Path) -> None:
    config = tmp_path / "config"
    config.mkdir()
    (config / "black.toml").write_text("[tool.black]\n")
    done = gate("run-all", "--source", tree("clean"), "--config", str(config), cache=cache_root)
    assert done.returncode == 0, report(done)
    configs = {line.split()[0]: line.split()[4:] for line in done.stdout.splitlines()[1:5]}
    assert configs == {
        "pylint": ["bundled", ".pylintrc"],
        "black": [str(config / "black.toml")],
        "mypy": ["bundled", "mypy.ini"],
        "ruff": ["bundled", "pyproject.toml"],
    }


def test_missing_config_dir_is_a_one_line_error(cache_root: Path) -> None:
    line = _one_line_error(gate("ruff", "--source", tree("clean"), "--config", "no/such/config", cache=cache_root))
    assert "--config 'no/such/config' is not a directory" in line


def test_unknown_function_is_a_usage_error(cache_root: Path) -> None:
    done = gate("nope", cache=cache_root)
    assert done.returncode == 2, report(done)
    assert "invalid choice: 'nope'" in done.stderr
    assert "Traceback" not in done.stderr
