"""Paths the tools could misread: a source directory named like an option."""

# Test names say what each test proves.
# pylint: disable=missing-function-docstring

from __future__ import annotations

import dataclasses
import shutil
import subprocess
from pathlib import Path

import anyio
import pytest
from quality_gate import gate
from quality_gate.execution import Layout
from quality_gate.findings import ToolResult, Verdict
from quality_gate.functions import all_checks
from quality_gate.local import LocalRunner

from .support import CONFIG, TOOLS, gate_command

# A finding for every tool: docstrings (pylint), layout (black), a wrong return type (mypy), an unused import (ruff).
PLANTED = "import os\nx=1\ndef f(a: int) -> str:\n    return a\n"


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def run_all_in(root: Path, source: str, cache: Path) -> list[ToolResult]:
    runner = LocalRunner(Layout(source=source, config=str(CONFIG), workdir=str(root)), cache)
    return anyio.run(gate.run_all, runner, all_checks())


@pytest.mark.parametrize("source", ["--version", "-d"])
def test_source_named_like_an_option_is_checked_as_a_path(tmp_path: Path, source: str) -> None:
    """Each tool reports the same findings as for `src`, under the directory's own name.

    Each run has caches of its own: mypy's cache answers for a module of the same name and content found at
    another path with the old path (mypy 2.4.1).
    """
    write(tmp_path, {f"{source}/planted.py": PLANTED, "src/planted.py": PLANTED})
    odd = {result.tool: result for result in run_all_in(tmp_path, source, tmp_path / "odd-cache")}
    usual = {result.tool: result for result in run_all_in(tmp_path, "src", tmp_path / "usual-cache")}
    for tool in TOOLS:
        assert odd[tool].verdict is Verdict.FAILED, odd[tool].outcome
        assert {finding.path for finding in odd[tool].findings} == {f"{source}/planted.py"}
        renamed = [dataclasses.replace(f, path=f.path.replace("src/", f"{source}/", 1)) for f in usual[tool].findings]
        assert list(odd[tool].findings) == renamed


def test_fix_on_a_source_named_like_an_option_rewrites_it(tmp_path: Path) -> None:
    write(tmp_path, {"--version/planted.py": PLANTED})
    shutil.copytree(CONFIG, tmp_path / ".config")
    argv, env = gate_command("fix", "--source=--version", "--yes", cache=tmp_path / "cache")
    done = subprocess.run(argv, cwd=tmp_path, env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done
    fixed = (tmp_path / "--version" / "planted.py").read_text(encoding="utf-8")
    assert "\nx = 1\n\n\ndef f(" in fixed, fixed
    assert "1 file(s) changed: --version/planted.py" in done.stdout
