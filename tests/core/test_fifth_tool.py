"""A fifth tool is one Check subclass plus its entry in CHECKS: both runners, the reports and the summary follow."""

# Test names say what each test proves.
# pylint: disable=missing-function-docstring

from __future__ import annotations

import json
import shutil
from pathlib import Path

import anyio
import pytest
from helpers.chains import chain, index
from helpers.chains import gate as dagger_gate
from helpers.paths import CONFIG
from quality_gate import checks
from quality_gate.app import run as gate
from quality_gate.checks.base import Check, Reading, UnreadableOutputError, exit_code_verdict, load_json, unreadable
from quality_gate.commands import Execution, Layout, Tool
from quality_gate.findings import Finding, Listing, Verdict
from quality_gate.functions import all_checks, single
from quality_gate.local.runner import LocalRunner
from quality_gate.reports import codequality, junit, summary

# The stand-in tool: one finding per line holding "TODO" in each .py file, as JSON; exit 1 when it found any.
TODO_TOOL = """import json, pathlib, sys
found = [
    {"path": str(path), "line": number}
    for path in sorted(pathlib.Path(sys.argv[-1]).rglob("*.py"))
    for number, text in enumerate(path.read_text().splitlines(), 1)
    if "TODO" in text
]
print(json.dumps(found))
sys.exit(1 if found else 0)
"""


class Todo(Check):
    """What a new tool's file in checks/ holds: its Tool record, its function, its arguments and its reading."""

    tool = Tool("todo", "todo_tool", "TODO_CACHE_DIR", "todo.toml", priority=1)
    function = "todo"

    def config_problem(self, text: str) -> str | None:
        return None

    def arguments(self, layout: Layout) -> list[str]:
        return ["--config", self.config_path(layout), "--", layout.source]

    def read(self, execution: Execution, layout: Layout) -> Reading:
        verdict = exit_code_verdict(execution.exit_code)
        try:
            report = load_json(execution.stdout)
            if not isinstance(report, list):
                raise UnreadableOutputError("not a list")
            findings = [
                Finding(str(item["path"]), int(item["line"]), 1, "todo", "T001", "a TODO is left", "info", "Style")
                for item in report
            ]
        except (UnreadableOutputError, KeyError, TypeError, ValueError) as error:
            return unreadable(verdict, UnreadableOutputError(str(error)), "")
        return Reading(verdict, findings, Listing(tuple(f"{f.position}: T001 a TODO is left" for f in findings)), "")


@pytest.fixture(name="registered")
def fixture_registered(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The tool's module importable by the tools' interpreter, and its one line in CHECKS (for this test only)."""
    modules = tmp_path / "modules"
    modules.mkdir()
    (modules / "todo_tool.py").write_text(TODO_TOOL, encoding="utf-8")
    monkeypatch.setenv("PYTHONPATH", str(modules))
    monkeypatch.syspath_prepend(str(modules))
    monkeypatch.setitem(checks.CHECKS, "todo", Todo())
    project = tmp_path / "project"
    (project / "src").mkdir(parents=True)
    (project / "src" / "mod.py").write_text('"""Mod."""\n\n# TODO: finish\nVALUE = 1\n', encoding="utf-8")
    shutil.copytree(CONFIG, project / ".config")
    (project / ".config" / "todo.toml").write_text("[todo]\n", encoding="utf-8")
    return project


def test_the_fifth_tool_runs_with_the_four_and_reaches_every_report(registered: Path, tmp_path: Path) -> None:
    assert single()["todo"].name == "todo" and [check.name for check in all_checks()][-1] == "todo"
    runner = LocalRunner(Layout("src", ".config", str(registered)), tmp_path / "tools")
    results = anyio.run(gate.run_all, runner, all_checks())
    todo = next(result for result in results if result.tool == "todo")
    assert todo.verdict is Verdict.FAILED, todo.outcome.headline
    assert [(f.path, f.line) for f in todo.findings] == [("src/mod.py", 3)]
    assert any(line.split()[:3] == ["todo", "failed", "1"] for line in summary.table(results).splitlines())
    assert "src/mod.py:3:1: T001 a TODO is left" in summary.overall(results)
    [entry] = [issue for issue in codequality.entries(results) if issue["engine_name"] == "todo"]
    assert (entry["check_name"], entry["severity"], entry["categories"]) == ("todo:T001", "info", ["Style"])
    assert 'testsuite name="todo"' in junit.render(results)
    assert (tmp_path / "tools" / "todo").is_dir(), "its cache directory, from its Tool record"
    json.loads(codequality.render(results))


def test_the_fifth_tool_in_a_container(registered: Path) -> None:
    """Its exec mounts its own config file and cache volume and runs `python -m todo_tool`, as the four do."""
    del registered
    runner = dagger_gate()._runner()  # pylint: disable=protected-access
    steps = chain(runner.container(Todo().command(runner.layout)))
    index(steps, "withMountedFile", path="/gate-config/todo.toml")
    mount = steps[index(steps, "withMountedCache", path="/cache/todo")][1]
    assert mount["cache"] == [("cacheVolume", {"key": "quality-gate-todo"})]
    todo = ["-m", "todo_tool", "--config", "/gate-config/todo.toml", "--", "src"]
    assert steps[-1][1]["args"] == ["python", "-P", *todo]


def test_a_tool_that_lists_its_findings_unsorted_keeps_each_entry_with_its_finding() -> None:
    """The shared rules sort the findings; a listing of one entry per finding is sorted with them (the baseline
    hides the known findings' entries by position)."""
    said = [{"path": "src/b.py", "line": 3}, {"path": "src/a.py", "line": 9}, {"path": "src/a.py", "line": 2}]
    outcome = Todo().interpret(Execution(1, json.dumps(said), "", 0.1), Layout("src", ".config", "/project"))
    assert [finding.position for finding in outcome.findings] == ["src/a.py:2:1", "src/a.py:9:1", "src/b.py:3:1"]
    assert outcome.listing is not None
    assert outcome.listing.entries == tuple(f"{finding.position}: T001 a TODO is left" for finding in outcome.findings)
