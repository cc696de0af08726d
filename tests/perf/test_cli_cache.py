"""The local front door answers an unchanged tree from the result cache, and `--no-cache` always runs the tools."""

# Test names say what each test proves.
# pylint: disable=missing-function-docstring

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

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
