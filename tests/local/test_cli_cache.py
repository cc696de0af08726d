"""The local front door answers an unchanged tree from the result cache, and `--no-cache` always runs the tools."""

# Test names say what each test proves.
# pylint: disable=missing-function-docstring

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers.gate import Project, said
from helpers.paths import PIPELINE_SRC
from helpers.paths import REPO as ROOT


def gate(project: Path, cache: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / ".pipeline" / "src")}
    command = [sys.executable, "-P", "-m", "quality_gate", "run-all", "--cache-dir", str(cache), *args]
    return subprocess.run(command, cwd=project, env=env, capture_output=True, text=True, check=False)


def test_second_run_is_answered_from_the_cache_and_no_cache_runs_again(tmp_path: Path) -> None:
    project = tmp_path / "project"
    shutil.copytree(ROOT / "src", project / "src")
    shutil.copytree(ROOT / ".config", project / ".config")
    cache = tmp_path / "cache"
    first = gate(project, cache)
    second = gate(project, cache)
    forced = gate(project, cache, "--no-cache")
    assert first.returncode == second.returncode == forced.returncode == 0, first.stdout + first.stderr
    assert "(cached)" not in first.stdout
    assert second.stdout.count("(cached)") == 4
    assert "(cached)" not in forced.stdout
    (project / "src" / "main.py").write_text("import os\n", encoding="utf-8")
    changed = gate(project, cache)
    assert changed.returncode == 1 and "(cached)" not in changed.stdout


APP = '"""Uses a module from outside the project."""\n\nimport helper\n\nprint(helper.shout("x"))\n'
HELPER = '"""Outside."""\n\n\ndef shout(text: str) -> str:\n    """Shout."""\n    return text.upper()\n'


@pytest.mark.parametrize(
    ("function", "variable", "name", "finding"),
    [
        ("lint", "PYTHONPATH", "helper.py", "E1101: Module 'helper' has no 'shout' member"),
        ("mypy", "MYPYPATH", "helper.pyi", 'error: Module has no attribute "shout"  [attr-defined]'),
    ],
)
def test_a_module_outside_the_project_that_the_tools_import_is_part_of_the_key(
    tmp_path: Path, function: str, variable: str, name: str, finding: str
) -> None:
    """A folder on PYTHONPATH (pylint) or MYPYPATH (mypy) is read by the tool: an edit there is never answered
    from a result stored before it."""
    project = Project.create(tmp_path, {"src/app.py": APP})
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / name).write_text(HELPER, encoding="utf-8")
    paths = {"PYTHONPATH": str(PIPELINE_SRC), variable: os.pathsep.join([str(PIPELINE_SRC), str(outside)])}
    first = project.gate(function, env=paths)
    assert first.returncode == 0, said(first)
    (outside / name).write_text('"""Outside, without shout."""\n', encoding="utf-8")
    again = project.gate(function, env=paths)
    assert again.returncode == 1 and "(cached)" not in again.stdout, said(again)
    assert finding in again.stdout, said(again)
