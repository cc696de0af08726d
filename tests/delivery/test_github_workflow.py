"""The GitHub Actions workflow users copy: valid for GitHub, clean for a workflow linter, and its steps real.

Its run step is run for real in a copy of the gate's files (the tools' .venv borrowed, as `make venv` built it),
and the file its upload step sends is the SARIF report that step wrote.
"""

# Test names say what each test proves.
# pylint: disable=missing-function-docstring

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from _delivery import tool
from helpers.paths import REPO
from helpers.sarif import validated
from quality_gate.reports.files import SARIF_FILE
from ruamel.yaml import YAML

WORKFLOW = REPO / "docs" / "github-actions" / "quality-gate.yml"
GUIDE = REPO / "docs" / "github-actions.md"
PINNED = re.compile(r"^\s*(?:- )?uses: [\w.-]+/[\w./-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$")
APP = '"""Planted."""\n\nimport os\n'


def workflow() -> dict[str, Any]:
    data: dict[str, Any] = YAML(typ="safe").load(WORKFLOW.read_text(encoding="utf-8"))
    return data


def steps() -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = workflow()["jobs"]["quality-gate"]["steps"]
    return found


def step_using(action: str) -> dict[str, Any]:
    [step] = [step for step in steps() if step.get("uses", "").startswith(f"{action}@")]
    return step


def validate(path: Path) -> subprocess.CompletedProcess[str]:
    argv = [tool("check-jsonschema"), "--builtin-schema", "vendor.github-workflows", str(path)]
    return subprocess.run(argv, capture_output=True, text=True, check=False)


def lint(path: Path) -> subprocess.CompletedProcess[str]:
    """zizmor's offline audits, all of them (its auditor persona), with no configuration but its own."""
    argv = [tool("zizmor"), "--offline", "--persona", "auditor", "--no-config", str(path)]
    return subprocess.run(argv, capture_output=True, text=True, check=False)


def test_the_workflow_is_valid_for_github_and_an_invalid_one_is_not(tmp_path: Path) -> None:
    valid = validate(WORKFLOW)
    assert valid.returncode == 0, valid.stdout + valid.stderr
    broken = tmp_path / "broken.yml"
    broken.write_text(WORKFLOW.read_text(encoding="utf-8").replace("security-events: write", "security-events: all"))
    assert validate(broken).returncode != 0, "the schema knows the permissions' values"


def test_a_workflow_linter_finds_nothing_and_would_find_an_action_pinned_by_tag(tmp_path: Path) -> None:
    clean = lint(WORKFLOW)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    by_tag = tmp_path / "by-tag.yml"
    text = WORKFLOW.read_text(encoding="utf-8")
    by_tag.write_text(re.sub(r"(actions/checkout)@[0-9a-f]{40} # (v\d+)\S*", r"\1@\2", text), encoding="utf-8")
    flagged = lint(by_tag)
    assert flagged.returncode != 0 and "unpinned-uses" in flagged.stdout + flagged.stderr


def test_every_action_is_pinned_by_its_full_commit_with_its_version_beside() -> None:
    lines = [line for line in WORKFLOW.read_text(encoding="utf-8").splitlines() if "uses:" in line]
    assert len(lines) == 3 and all(PINNED.match(line) for line in lines), lines


def test_the_job_may_upload_to_code_scanning_and_nothing_else() -> None:
    assert workflow()["permissions"] == {}
    assert workflow()["jobs"]["quality-gate"]["permissions"] == {"contents": "read", "security-events": "write"}


def test_python_is_the_modules_version_and_pips_cache_keys_on_the_pins() -> None:
    setup = step_using("actions/setup-python")["with"]
    assert setup["python-version-file"] == ".pipeline/.python-version", "the file the module's runtime reads"
    assert (REPO / setup["python-version-file"]).read_text(encoding="utf-8").strip() == "3.13"
    assert setup["cache-dependency-path"] == ".config/requirements.txt", "what `make venv` installs"


def test_the_upload_runs_even_when_the_gate_failed_and_sends_the_file_the_gate_wrote() -> None:
    upload = step_using("github/codeql-action/upload-sarif")
    [run] = [step["run"] for step in steps() if "run" in step]
    reports = re.fullmatch(r"make local-report REPORTS=(\S+)", run)
    assert reports, run
    sent = f"{reports[1]}/{SARIF_FILE}"
    assert upload["with"]["sarif_file"] == sent
    assert upload["if"] == f"always() && hashFiles('{sent}') != ''", "also after a failing gate, when written"


@pytest.fixture(name="user_repo")
def fixture_user_repo(tmp_path: Path) -> Path:
    """A repository with the gate's files, as the README's copying leaves them, and a finding in src/."""
    repo = tmp_path / "repo"
    repo.mkdir()
    for name in ("makefile", "dagger.json"):
        shutil.copy2(REPO / name, repo / name)
    shutil.copytree(REPO / ".config", repo / ".config", ignore=shutil.ignore_patterns("quality-baseline.json"))
    shutil.copytree(REPO / ".pipeline", repo / ".pipeline", ignore=shutil.ignore_patterns("__pycache__"))
    (repo / "src").mkdir()
    (repo / "src" / "app.py").write_text(APP, encoding="utf-8")
    # What `make venv` built from the same pins (its stamp is their copy), borrowed rather than built again:
    # the pins' copy made older than the stamp, as after `make venv`.
    stamp = REPO / ".venv" / ".quality-gate-tools"
    pins = repo / ".config" / "requirements.txt"
    assert stamp.read_bytes() == pins.read_bytes(), "the tools' .venv holds the pins: run `make venv`"
    os.utime(pins, (stamp.stat().st_mtime - 1, stamp.stat().st_mtime - 1))
    (repo / ".venv").symlink_to(REPO / ".venv")
    subprocess.run(["git", "init", "--quiet", str(repo)], check=True)  # a checkout: the project's root
    return repo


def test_the_run_step_writes_the_sarif_report_the_upload_sends(user_repo: Path, tmp_path: Path) -> None:
    [run] = [step["run"] for step in steps() if "run" in step]
    env = {**os.environ, "HOME": str(tmp_path / "home"), "XDG_CACHE_HOME": str(tmp_path / "cache")}
    env.pop("MAKEFLAGS", None)
    done = subprocess.run(["sh", "-c", run], cwd=user_repo, env=env, capture_output=True, text=True, check=False)
    assert done.returncode != 0, "the planted unused import fails the gate, and so the step"
    assert "gate failed" in done.stdout, done.stdout + done.stderr
    log = validated(user_repo / step_using("github/codeql-action/upload-sarif")["with"]["sarif_file"])
    found = {(run["tool"]["driver"]["name"], result["ruleId"]) for run in log["runs"] for result in run["results"]}
    assert {("pylint", "W0611"), ("ruff", "F401")} <= found


def test_the_guide_shows_the_workflow_file_as_it_is() -> None:
    guide = GUIDE.read_text(encoding="utf-8")
    assert f"```yaml\n{WORKFLOW.read_text(encoding='utf-8')}```" in guide
