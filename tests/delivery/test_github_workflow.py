"""The GitHub Actions workflow users copy: valid for GitHub, clean for a workflow linter, and its steps real.

Its gate step is run for real in a repository with only its code, the command `quality-gate` coming from a wheel
of the gate installed into a fresh environment (as the workflow's pipx step installs it; that step needs the
network and is checked for its form), and the file its upload step sends is the SARIF report that step wrote.
"""

# Test names say what each test proves.
# pylint: disable=missing-function-docstring

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
from _delivery import tool
from helpers.package import build_wheel, checkout_copy, fresh_venv, need_wheelhouse, offline_env
from helpers.paths import REPO
from helpers.sarif import validated
from quality_gate.reports.files import SARIF_FILE
from ruamel.yaml import YAML

pytestmark = pytest.mark.xdist_group("package")

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


def test_python_is_the_modules_version() -> None:
    setup = step_using("actions/setup-python")["with"]
    version = (REPO / ".pipeline" / ".python-version").read_text(encoding="utf-8").strip()
    assert setup["python-version"] == version, "the version the Dagger module's runtime reads"


def test_the_upload_runs_even_when_the_gate_failed_and_sends_the_file_the_gate_wrote() -> None:
    upload = step_using("github/codeql-action/upload-sarif")
    run = [step["run"] for step in steps() if "run" in step][1]
    reports = re.fullmatch(r"quality-gate report --output (\S+)( #.*)?", run)
    assert reports, run
    sent = f"{reports[1]}/{SARIF_FILE}"
    assert upload["with"]["sarif_file"] == sent
    assert upload["if"] == f"always() && hashFiles('{sent}') != ''", "also after a failing gate, when written"


@pytest.fixture(name="gate_bin", scope="module")
def fixture_gate_bin(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bin folder of an environment holding the gate's wheel and its pins, installed with no index."""
    need_wheelhouse()
    env = offline_env(tmp_path_factory.mktemp("offline-home"))
    checkout = checkout_copy(tmp_path_factory.mktemp("checkout"))[0]
    wheel = build_wheel(checkout, tmp_path_factory.mktemp("dist"), env)
    return fresh_venv(tmp_path_factory.mktemp("installed") / "venv", wheel, env)


@pytest.fixture(name="user_repo")
def fixture_user_repo(tmp_path: Path) -> Path:
    """A repository with its code only, none of the gate's files, and a finding in src/."""
    repo = tmp_path / "repo"
    (repo / "src").mkdir(parents=True)
    (repo / "src" / "app.py").write_text(APP, encoding="utf-8")
    subprocess.run(["git", "init", "--quiet", str(repo)], check=True)  # a checkout: the project's root
    return repo


def test_the_install_step_installs_the_pinned_gate_with_pipx() -> None:
    job = workflow()["jobs"]["quality-gate"]
    assert re.fullmatch(r"git\+https://\S+/quality-gate@v\d+\.\d+\.\d+", job["env"]["QUALITY_GATE"])
    assert next(step["run"] for step in steps() if "run" in step) == 'pipx install --python python3.13 "$QUALITY_GATE"'


def test_the_gate_step_writes_the_sarif_report_the_upload_sends(
    user_repo: Path, gate_bin: Path, tmp_path: Path
) -> None:
    run = [step["run"] for step in steps() if "run" in step][1].split(" #", 1)[0]
    env = {**os.environ, "HOME": str(tmp_path / "home"), "XDG_CACHE_HOME": str(tmp_path / "cache")}
    env["PATH"] = f"{gate_bin}{os.pathsep}{env.get('PATH', '')}"
    env.pop("PYTHONPATH", None)
    done = subprocess.run(["sh", "-c", run], cwd=user_repo, env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 1, "the planted unused import fails the gate, and so the step"
    assert "gate failed" in done.stdout, done.stdout + done.stderr
    assert "bundled .pylintrc" in done.stdout, "the repository has no .config/: the shipped files"
    log = validated(user_repo / step_using("github/codeql-action/upload-sarif")["with"]["sarif_file"])
    found = {(run["tool"]["driver"]["name"], result["ruleId"]) for run in log["runs"] for result in run["results"]}
    assert {("pylint", "W0611"), ("ruff", "F401")} <= found


def test_the_guide_shows_the_workflow_file_as_it_is() -> None:
    guide = GUIDE.read_text(encoding="utf-8")
    assert f"```yaml\n{WORKFLOW.read_text(encoding='utf-8')}```" in guide
