"""Paths the tools could misread: a source directory named like an option, file names with line breaks."""

# Test names say what each test proves.
# pylint: disable=missing-function-docstring

from __future__ import annotations

import dataclasses
import shutil
import subprocess
from pathlib import Path

import anyio
import pytest
from helpers.gate import gate_command
from helpers.paths import CONFIG, TOOLS
from quality_gate.app import run as gate
from quality_gate.checks import CHECKS
from quality_gate.commands import Layout
from quality_gate.findings import ToolResult, Verdict
from quality_gate.functions import all_checks
from quality_gate.local.runner import LocalRunner
from quality_gate.reports import codequality, summary

# A finding for every tool: docstrings (pylint), layout (black), a wrong return type (mypy), an unused import (ruff).
PLANTED = "import os\nx=1\ndef f(a: int) -> str:\n    return a\n"
UNFORMATTED = "x=1\n"


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


@pytest.mark.parametrize("name", ["a\nb.py", "a\nwould reformat b.py", "tab\there.py"])
def test_black_reads_a_file_name_with_a_line_break_or_a_tab_whole(tmp_path: Path, cache_root: Path, name: str) -> None:
    """black's status lines are line-based; its diff headers delimit the name, and the two must agree."""
    write(tmp_path, {f"src/{name}": UNFORMATTED, "src/fine.py": "y = 2\n"})
    runner = LocalRunner(Layout(source="src", config=str(CONFIG), workdir=str(tmp_path)), cache_root)
    result = anyio.run(gate.run_check, runner, CHECKS["black"])
    assert result.verdict is Verdict.FAILED, result.outcome
    assert [(f.path, f.line) for f in result.findings] == [(f"src/{name}", 1)]
    assert [issue["location"]["path"] for issue in codequality.entries([result])] == [f"src/{name}"]
    shown = summary.single(result)
    assert shown.count(f"would reformat src/{name}\n") == 1, shown
    assert shown.endswith("black failed: 1 finding")


def test_black_output_that_does_not_add_up_could_not_run(tmp_path: Path, cache_root: Path) -> None:
    """A file black would reformat but whose diff is missing: the gate says it cannot read that, never guesses."""
    write(tmp_path, {"src/ugly.py": UNFORMATTED})
    runner = LocalRunner(Layout(source="src", config=str(CONFIG), workdir=str(tmp_path)), cache_root)
    execution = anyio.run(runner.execute, CHECKS["black"].command(runner.layout))
    assert execution.exit_code == 1 and "would reformat" in execution.stderr, execution
    outcome = CHECKS["black"].interpret(dataclasses.replace(execution, stdout=""), runner.layout)
    assert outcome.verdict is Verdict.BROKEN
    assert outcome.headline.startswith("black could not run: its output could not be read")
    assert "'would reformat src/ugly.py' without a diff" in outcome.headline
