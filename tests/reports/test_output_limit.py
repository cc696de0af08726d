"""Huge output: at most N findings per tool on the terminal, the verdict last; the reports keep every finding."""

# Test names say what each test proves.
# pylint: disable=missing-function-docstring

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import anyio
import pytest
from helpers.gate import gate_command
from helpers.paths import CONFIG
from quality_gate.app import run as gate
from quality_gate.checks import CHECKS
from quality_gate.commands import Layout
from quality_gate.findings import ENTRY_LINES
from quality_gate.local.runner import LocalRunner
from quality_gate.reports import summary

# pylint (C0303) and ruff (W291) report each line's trailing space (and black would remove them).
RUFF_LINE = re.compile(r"^src/many\.py:\d+:\d+: W291 ", re.MULTILINE)
PYLINT_LINE = re.compile(r"^src/many\.py:\d+:\d+: C0303: ", re.MULTILINE)


def project(tmp_path: Path, trailing: int, unformatted: int = 0) -> Path:
    """src/many.py with `trailing` lines ending in a space, and `unformatted` files black would change."""
    root = tmp_path / "project"
    (root / "src").mkdir(parents=True)
    if trailing:
        lines = "".join(f"X{number} = 1 \n" for number in range(trailing))
        (root / "src" / "many.py").write_text(f'"""Many findings."""\n\n{lines}', encoding="utf-8")
    for number in range(unformatted):
        (root / "src" / f"ugly{number}.py").write_text(f'"""Ugly."""\n\nY{number}=1\n', encoding="utf-8")
    shutil.copytree(CONFIG, root / ".config")
    return root


def gate_in(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    argv, env = gate_command(*args, cache=root.parent / "cache")
    return subprocess.run(argv, cwd=root, env=env, capture_output=True, text=True, check=False)


def test_terminal_shows_the_default_limit_then_the_count_left_out_then_the_verdict(tmp_path: Path) -> None:
    total = summary.DEFAULT_LIMIT + 50
    done = gate_in(project(tmp_path, total), "ruff")
    assert done.returncode == 1, done
    assert len(RUFF_LINE.findall(done.stdout)) == summary.DEFAULT_LIMIT
    assert "... and 50 more findings not shown: the reports list them all\n" in done.stdout
    assert done.stdout.rstrip("\n").splitlines()[-1] == f"ruff failed: {total} findings"


@pytest.mark.parametrize(
    ("options", "shown"), [(["--max-findings", "5"], 5), (["--max-findings", "0"], 0), (["--all"], 30)]
)
def test_max_findings_and_all_choose_how_many(tmp_path: Path, options: list[str], shown: int) -> None:
    done = gate_in(project(tmp_path, 30), "ruff", *options)
    assert done.returncode == 1, done
    assert len(RUFF_LINE.findall(done.stdout)) == shown
    assert ("more findings not shown" in done.stdout) == (shown < 30)
    assert done.stdout.rstrip("\n").splitlines()[-1] == "ruff failed: 30 findings"


def test_black_shows_at_most_the_limit_of_files_with_their_diffs(tmp_path: Path) -> None:
    done = gate_in(project(tmp_path, 0, unformatted=3), "format", "--max-findings", "1")
    assert done.returncode == 1, done
    assert done.stdout.count("would reformat src/ugly") == 1 and done.stdout.count("+++ src/ugly") == 1, done.stdout
    assert "... and 2 more findings not shown" in done.stdout
    assert "3 files would be reformatted" in done.stdout, "black's totals are kept"
    assert done.stdout.rstrip("\n").splitlines()[-1] == "black failed: 3 findings"


def entry(stdout: str, status: str) -> list[str]:
    """The lines of one black entry: from its status line to the blank line before black's totals."""
    lines = stdout.split("\n")
    start = lines.index(status)
    return lines[start : lines.index("", start)]


def test_a_long_diff_is_cut_on_the_terminal_and_whole_with_all(tmp_path: Path) -> None:
    root = project(tmp_path, 0)
    lines = "".join(f"Y{number}=1\n" for number in range(40))
    (root / "src" / "long.py").write_text(f'"""Long."""\n\n{lines}', encoding="utf-8")
    cut = gate_in(root, "format")
    whole = gate_in(root, "format", "--all")
    assert cut.returncode == whole.returncode == 1, cut
    cut_entry, whole_entry = (entry(done.stdout, "would reformat src/long.py") for done in (cut, whole))
    assert len(whole_entry) > ENTRY_LINES and "+Y39 = 1" in whole_entry
    assert cut_entry == [
        *whole_entry[:ENTRY_LINES],
        f"... {len(whole_entry) - ENTRY_LINES} more lines of this finding not shown",
    ]
    assert (
        cut.stdout.rstrip("\n").splitlines()[-1]
        == whole.stdout.rstrip("\n").splitlines()[-1]
        == "black failed: 1 finding"
    )


FAILED = "pylint (failed), black (failed), ruff (failed)"


def test_report_limits_each_tool_on_the_terminal_and_writes_every_finding(tmp_path: Path) -> None:
    root = project(tmp_path, 40)
    done = gate_in(root, "report", "--output", "reports", "--max-findings", "3")
    assert done.returncode == 1, done
    terminal = done.stdout.split("reports written to")[0]
    assert len(PYLINT_LINE.findall(terminal)) == 3 and len(RUFF_LINE.findall(terminal)) == 3, terminal
    assert terminal.count("... and 37 more findings not shown") == 2
    assert terminal.rstrip("\n").splitlines()[-1] == f"gate failed: {FAILED}"
    written = (root / "reports" / "summary.txt").read_text(encoding="utf-8")
    assert len(PYLINT_LINE.findall(written)) == 40 and len(RUFF_LINE.findall(written)) == 40
    assert "not shown" not in written and written.rstrip("\n").endswith(f"gate failed: {FAILED}")
    issues = json.loads((root / "reports" / "gl-code-quality-report.json").read_text(encoding="utf-8"))
    assert sum(issue["check_name"] in {"pylint:C0303", "ruff:W291"} for issue in issues) == 80
    junit = (root / "reports" / "junit.xml").read_text(encoding="utf-8")
    assert len(re.findall(r"src/many\.py:\d+:\d+: W291", junit)) == 40


def test_the_dagger_functions_summary_has_the_same_default_limit(tmp_path: Path, cache_root: Path) -> None:
    """container/module.py returns summary.overall(results) and summary.single(result): the default limit applies."""
    root = project(tmp_path, summary.DEFAULT_LIMIT + 1)
    runner = LocalRunner(Layout(source="src", config=str(CONFIG), workdir=str(root)), cache_root)
    result = anyio.run(gate.run_check, runner, CHECKS["ruff"])
    for text in (summary.overall([result]), summary.single(result)):
        assert len(RUFF_LINE.findall(text)) == summary.DEFAULT_LIMIT
        assert "... and 1 more finding not shown" in text
    assert len(RUFF_LINE.findall(summary.overall([result], limit=None))) == summary.DEFAULT_LIMIT + 1


@pytest.mark.parametrize(
    "options", [["--max-findings", "-1"], ["--max-findings", "many"], ["--all", "--max-findings", "3"]]
)
def test_a_bad_limit_is_a_usage_error(tmp_path: Path, options: list[str]) -> None:
    done = gate_in(project(tmp_path, 1), "ruff", *options)
    assert done.returncode == 2, done
    assert done.stdout == "" and "Traceback" not in done.stderr
    assert "--max-findings" in done.stderr.splitlines()[-1], done.stderr
