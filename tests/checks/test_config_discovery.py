"""A pyproject.toml at the project's root (this repository's, for the installable runner, or a user's own) changes
nothing the gate finds: each tool gets its configuration file by path, and none of them goes looking for another.

The root file here sets every tool's options so that each tool, run directly without a path to its configuration,
finds something else with it than without it: so the gate's equal findings show that no tool read it.
"""

# Test names say what each test proves.
# pylint: disable=missing-function-docstring

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from helpers.gate import PLANTED, make_project, report_keys, run_gate, said

# What each tool would take from a pyproject.toml it found: black a line length of 20, ruff every rule, mypy
# without the error the source has, pylint with every message off.
ROOT_PYPROJECT = """[project]
name = "someone-elses-project"
version = "1.0"

[tool.black]
line-length = 20

[tool.ruff]
line-length = 20

[tool.ruff.lint]
select = ["ALL"]

[tool.mypy]
disable_error_code = ["assignment"]

[tool.pylint."messages control"]
disable = ["all"]
"""

# Each tool run directly from the project's root without a configuration path, so that it looks for one.
LOOKING = {
    "black": ["black", "--check", "src"],
    "ruff": ["ruff", "check", "--no-cache", "src"],
    "mypy": ["mypy", "src"],
    "pylint": ["pylint", "src"],
}


def looking(root: Path, cache: Path) -> dict[str, subprocess.CompletedProcess[str]]:
    env = {**os.environ, "MYPY_CACHE_DIR": str(cache / "mypy"), "PYLINTHOME": str(cache / "pylint")}
    env["BLACK_CACHE_DIR"] = str(cache / "black")
    return {
        tool: subprocess.run(
            [sys.executable, "-P", "-m", *argv], cwd=root, env=env, capture_output=True, text=True, check=False
        )
        for tool, argv in LOOKING.items()
    }


def findings(root: Path, tmp_path: Path, name: str) -> set[tuple[str, str, str, int]]:
    """Every finding of one `report`, each tool run afresh (--no-cache: the root file is no input of the cache)."""
    done = run_gate(root, "report", "--no-cache", "--output", str(tmp_path / name), cache=tmp_path / "cache")
    assert done.returncode == 1, said(done)
    return report_keys(tmp_path / name / "gl-code-quality-report.json")


def test_a_root_pyproject_that_every_tool_would_read_changes_no_finding(tmp_path: Path) -> None:
    root = make_project(tmp_path / "project", PLANTED)
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    without = findings(root, tmp_path, "without")
    alone = looking(root, tmp_path / "alone")
    (root / "pyproject.toml").write_text(ROOT_PYPROJECT, encoding="utf-8")
    read = looking(root, tmp_path / "read")
    # The file matters to each tool that reads it.
    assert "src/calc.py" not in alone["black"].stderr
    assert "src/calc.py" in read["black"].stderr, said(read["black"])
    assert "E501" not in alone["ruff"].stdout and "E501" in read["ruff"].stdout, said(read["ruff"])
    assert "[assignment]" in alone["mypy"].stdout and "[assignment]" not in read["mypy"].stdout, said(read["mypy"])
    assert "W0611" in alone["pylint"].stdout and "W0611" not in read["pylint"].stdout, said(read["pylint"])
    assert {tool for tool, _, _, _ in without} == set(LOOKING), without
    assert findings(root, tmp_path, "with") == without
