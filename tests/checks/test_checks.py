"""Layers 1 and 2 with the real tools: verdicts, findings equal to the tools' own reports, configs respected."""

# Test names say what each test proves.
# pylint: disable=missing-function-docstring

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

import anyio
import pytest
from helpers.paths import CONFIG, FIXTURES, TOOLS, snapshot, tree
from helpers.tools import OWN, Key
from helpers.tree_runs import TreeRun, layout
from quality_gate.app import run as gate
from quality_gate.checks import CHECKS
from quality_gate.findings import ToolResult, Verdict
from quality_gate.local.runner import LocalRunner
from quality_gate.reports import summary

# Each tree holds findings that only this tool reports with the gate's configs.
PLANTED = {"pylint_only": "pylint", "black_only": "black", "mypy_only": "mypy", "ruff_only": "ruff"}
TREES = ["clean", *PLANTED, "syntax_error"]


def keys(result: ToolResult) -> list[Key]:
    """Our findings in the form the tools' own reports are compared in."""
    return sorted((finding.rule, finding.path, finding.line) for finding in result.findings)


def test_clean_tree_passes_every_tool(gate_run: Callable[[str], TreeRun]) -> None:
    run = gate_run("clean")
    assert [r.tool for r in run.results] == list(TOOLS)
    for result in run.results:
        assert (result.verdict, result.findings, result.exit_code) == (Verdict.PASSED, (), 0), result.outcome
        assert result.outcome.headline.startswith(f"{result.tool} passed")


@pytest.mark.parametrize(("name", "tool"), PLANTED.items())
def test_planted_finding_fails_exactly_its_tool(gate_run: Callable[[str], TreeRun], name: str, tool: str) -> None:
    run = gate_run(name)
    verdicts = {r.tool: r.verdict for r in run.results}
    assert verdicts == {t: Verdict.FAILED if t == tool else Verdict.PASSED for t in TOOLS}
    assert all(not r.findings for r in run.results if r.tool != tool)
    shown = summary.overall(run.results)
    assert run[tool].findings
    for finding in run[tool].findings:
        assert f"{finding.path}:{finding.line}" in shown or f"would reformat {finding.path}" in shown
    assert shown.endswith(f"gate failed: {tool} (failed)")


@pytest.mark.parametrize(
    ("name", "tool"), [*PLANTED.items(), ("syntax_error", "pylint"), ("syntax_error", "mypy"), ("syntax_error", "ruff")]
)
def test_findings_are_the_tools_own(
    gate_run: Callable[[str], TreeRun], own_env: dict[str, str], name: str, tool: str
) -> None:
    """The tool run directly, in its own native format, reports the same (rule, file, line) and exit code."""
    result = gate_run(name)[tool]
    exit_code, own, text = OWN[tool](tree(name), CONFIG, own_env)
    assert own, f"the fixture plants nothing {tool} reports:\n{text}"
    assert keys(result) == own, text
    assert result.exit_code == exit_code


def test_syntax_error_is_never_a_pass(gate_run: Callable[[str], TreeRun], own_env: dict[str, str]) -> None:
    """pylint (E0001) and ruff report the syntax error as findings; black (123) and mypy (2) say they could not run."""
    run = gate_run("syntax_error")
    assert {r.tool: r.verdict for r in run.results} == {
        "pylint": Verdict.FAILED,
        "black": Verdict.BROKEN,
        "mypy": Verdict.BROKEN,
        "ruff": Verdict.FAILED,
    }
    assert [f.rule for f in run["pylint"].findings] == ["E0001"]
    black_exit, _, black_text = OWN["black"](tree("syntax_error"), CONFIG, own_env)
    assert run["black"].exit_code == black_exit == 123
    assert "cannot parse" in black_text
    assert run["black"].outcome.headline.startswith("black could not run: cannot parse")
    assert "tests/fixtures/syntax_error/broken.py:4" in run["black"].outcome.headline
    assert run["black"].outcome.output.count("error: cannot parse") == 1, "black's message is shown once"
    assert run["mypy"].outcome.headline.startswith("mypy could not run: tests/fixtures/syntax_error/broken.py:4")


@pytest.mark.parametrize("name", TREES)
def test_source_is_never_modified(gate_run: Callable[[str], TreeRun], name: str) -> None:
    """Same bytes in every file, and no cache or bytecode directory appears in the tree."""
    run = gate_run(name)
    assert run.after == run.before


def test_caches_go_to_the_cache_root(gate_run: Callable[[str], TreeRun], cache_root: Path) -> None:
    gate_run("clean")
    for tool in ("mypy", "ruff"):
        assert any((cache_root / tool).iterdir()), f"{tool} wrote no cache under {cache_root}"


def _config_with(tmp_path: Path, case: str) -> Path:
    """The gate's .config with one file replaced by a broken one from tests/fixtures/bad_config/<case>."""
    config = tmp_path / "config"
    shutil.copytree(CONFIG, config)
    for broken in (FIXTURES / "bad_config" / case).iterdir():
        shutil.copy(broken, config / broken.name)
    return config


@pytest.mark.parametrize(
    ("case", "tool", "named"),
    [
        ("pylint_unknown_option", "pylint", "no-such-option"),
        ("pylint_bad_value", "pylint", "banana"),
        ("mypy_bad_value", "mypy", "banana"),
        ("mypy_unknown_option", "mypy", "no_such_option"),
        ("black_invalid_toml", "black", "black.toml"),
        ("ruff_unknown_rule", "ruff", "XYZ999"),
    ],
)
def test_bad_config_could_not_run(tmp_path: Path, cache_root: Path, case: str, tool: str, named: str) -> None:
    """Whatever the exit code (pylint and mypy exit 0 on some of these), a broken config is never a pass."""
    config = _config_with(tmp_path, case)
    before = snapshot(FIXTURES / "clean")
    result = anyio.run(gate.run_check, LocalRunner(layout("clean", config), cache_root), CHECKS[tool])
    assert result.verdict is Verdict.BROKEN, result.outcome
    assert result.outcome.headline.startswith(f"{tool} could not run: ")
    assert named in result.outcome.headline
    assert named in summary.single(result)
    assert snapshot(FIXTURES / "clean") == before


def test_pylint_fail_under_below_the_score_passes_and_shows_messages(
    gate_run: Callable[[str], TreeRun], own_env: dict[str, str], tmp_path: Path, cache_root: Path
) -> None:
    _, own, text = OWN["pylint"](tree("pylint_only"), CONFIG, own_env)
    rated = re.search(r"rated at (-?[\d.]+)/10", text)
    assert rated, text
    threshold = float(rated[1]) - 0.5
    config = tmp_path / "config"
    shutil.copytree(CONFIG, config)
    rcfile = config / ".pylintrc"
    original = rcfile.read_text(encoding="utf-8")
    assert "fail-under = 10\n" in original
    rcfile.write_text(original.replace("fail-under = 10\n", f"fail-under = {threshold}\n"), encoding="utf-8")

    result = anyio.run(gate.run_check, LocalRunner(layout("pylint_only", config), cache_root), CHECKS["pylint"])

    assert result.verdict is Verdict.PASSED
    assert result.exit_code == 0
    assert keys(result) == own == keys(gate_run("pylint_only")["pylint"])
    assert result.outcome.headline.startswith(f"pylint passed: {len(own)} findings, rated ")
    shown = summary.overall([result])
    for finding in result.findings:
        assert f"{finding.path}:{finding.line}:{finding.column}: {finding.rule}" in shown
    assert shown.endswith("gate passed: pylint passed")
