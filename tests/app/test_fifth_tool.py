"""A fifth tool is one Check subclass plus its entry in CHECKS: both runners, the reports and the summary follow,
and `make generate` writes its make targets, CI jobs and pre-commit hook (read here by make, YAML and the
GitLab schema)."""

# Test names say what each test proves.
# pylint: disable=missing-function-docstring

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import anyio
import pytest
from helpers.chains import chain, index
from helpers.chains import gate as dagger_gate
from helpers.paths import CONFIG, REPO
from helpers.per_tool import PARTS, generate
from quality_gate import checks
from quality_gate.app import run as gate
from quality_gate.checks.base import Check, Reading, UnreadableOutputError, exit_code_verdict, load_json, unreadable
from quality_gate.commands import Execution, Layout, Tool
from quality_gate.findings import Finding, Listing, Verdict
from quality_gate.functions import all_checks, single
from quality_gate.local.result_cache import environment_digest
from quality_gate.local.runner import LocalRunner
from quality_gate.reports import codequality, junit, summary
from ruamel.yaml import YAML

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

    tool = Tool("todo", "todo_tool", "TODO_CACHE_DIR", "todo.toml", priority=1, variables=("TODO_",))
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


class Unsaid(Todo):
    """The same tool, its record silent on the variables it reads."""

    tool = Tool("todo", "todo_tool", "TODO_CACHE_DIR", "todo.toml", priority=1)


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


def test_the_fifth_tools_variables_are_in_the_result_cache_key(
    registered: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A variable the tool reads (its record says how their names begin) changes the local result cache's key."""
    before = environment_digest(registered)
    monkeypatch.setenv("TODO_STRICT", "1")
    assert environment_digest(registered) != before
    monkeypatch.setitem(checks.CHECKS, "todo", Unsaid())
    assert environment_digest(registered) == before, "the control: its record alone says it"


def test_a_tool_that_lists_its_findings_unsorted_keeps_each_entry_with_its_finding() -> None:
    """The shared rules sort the findings; a listing of one entry per finding is sorted with them (the baseline
    hides the known findings' entries by position)."""
    said = [{"path": "src/b.py", "line": 3}, {"path": "src/a.py", "line": 9}, {"path": "src/a.py", "line": 2}]
    outcome = Todo().interpret(Execution(1, json.dumps(said), "", 0.1), Layout("src", ".config", "/project"))
    assert [finding.position for finding in outcome.findings] == ["src/a.py:2:1", "src/a.py:9:1", "src/b.py:3:1"]
    assert outcome.listing is not None
    assert outcome.listing.entries == tuple(f"{finding.position}: T001 a TODO is left" for finding in outcome.findings)


@pytest.fixture(name="generated")
def fixture_generated(registered: Path, tmp_path: Path) -> Path:
    """A copy of the makefile, the CI component and the hooks (and dagger.json, which make reads), regenerated
    from the checks with the fifth one among them: `make generate` in this repository does the same."""
    del registered
    root = tmp_path / "generated"
    for path in (*PARTS, "dagger.json"):
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / path, root / path)
    assert generate(root) == list(PARTS)
    return root


def make(root: Path, *args: str) -> list[str]:
    """`make -C root ARGS...` as a user types it (none of the caller's make variables), its output's lines."""
    steering = {"MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES"}
    env = {name: value for name, value in os.environ.items() if name not in steering and "DAGGER" not in name}
    socket = root / "dagger.json"  # any file will do for `make -n`: only its group is read
    done = subprocess.run(
        ["make", "--no-print-directory", "-C", str(root), *args, f"DOCKER_SOCKET={socket}"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


def test_the_fifth_tool_has_its_make_targets(generated: Path) -> None:
    """`make todo` calls the Dagger function `todo` in the image, `make local-todo` the local runner's; both are
    listed by `make help`, beside the four's."""
    [dagger] = make(generated, "-n", "todo")
    words = shlex.split(dagger.partition(" fi; ")[2])  # after the terminal's test
    assert words[:2] == ["docker", "run"] and words[-1] == "todo", words
    assert words[words.index("call") - 1].startswith("quality-gate-dagger:"), "called in the gate's image"
    local = make(generated, "-n", "-o", ".venv/.quality-gate-package", "local-todo")
    assert [shlex.split(line) for line in local] == [
        [".venv/bin/quality-gate", "todo", "--source", "src", "--config", ".config"]
    ]
    listed = {line.split()[0] for line in make(generated, "help") if line.startswith("  ")}
    assert {"todo", "local-todo", *single(), *(f"local-{name}" for name in single())} <= listed


def test_the_fifth_tool_has_its_ci_job_and_hook(generated: Path) -> None:
    """The component's parallel mode gets a `todo` job like the four's, which the report job waits for; its jobs
    still pass GitLab's schema. The hooks get `quality-gate-todo`."""
    text = (generated / "templates" / "quality-gate.yml").read_text(encoding="utf-8")
    _, jobs_text = text.split("\n---\n")
    jobs = YAML(typ="safe", pure=True).load(jobs_text)
    prefix = "$[[ inputs.job_prefix ]]"
    todo, lint = jobs[f"{prefix}todo"], jobs[f"{prefix}lint"]
    assert todo["extends"] == lint["extends"] == f".{prefix}check"
    assert shlex.split(todo["script"][0])[-1] == "todo"
    assert todo["script"][0].rsplit(" ", 1)[0] == lint["script"][0].rsplit(" ", 1)[0], "the same call but the name"
    assert jobs[f"{prefix}report"]["needs"] == [f"{prefix}{name}" for name in single()]
    assert f"{prefix}todo" in jobs[f"{prefix}report"]["needs"]
    (generated / "jobs.yml").write_text(jobs_text, encoding="utf-8")
    schema = [str(Path(sys.executable).with_name("check-jsonschema")), "--builtin-schema", "vendor.gitlab-ci"]
    checked = subprocess.run(
        [*schema, "--data-transform", "gitlab-ci", str(generated / "jobs.yml")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    hooks = YAML(typ="safe", pure=True).load((generated / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    [hook] = [hook for hook in hooks if hook["id"] == "quality-gate-todo"]
    assert (hook["entry"], hook["name"]) == ("quality-gate todo", "quality gate todo")
