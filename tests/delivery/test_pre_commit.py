"""The pre-commit hooks (.pre-commit-hooks.yaml), run by the real pre-commit against a repository that points at a
commit of this checkout: pre-commit clones it, builds the hooks' environment with pip from the wheelhouse alone,
and the hooks pass on clean code and stop a commit with a finding, showing the gate's output."""

# Test names say what each test proves; pytest fixtures arrive as parameters named like the fixture.
# pylint: disable=missing-function-docstring,redefined-outer-name

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from helpers.gate import said, summary_rows
from helpers.package import checkout_copy, need_wheelhouse, offline_env
from helpers.paths import REPO
from quality_gate.functions import single
from ruamel.yaml import YAML

# One worker runs this module: its environments are built once (pytest.ini: --dist loadgroup).
pytestmark = pytest.mark.xdist_group("pre-commit")

HOOKS = REPO / ".pre-commit-hooks.yaml"
CLEAN = '"""Clean."""\n\n\ndef double(value: int) -> int:\n    """Double."""\n    return value * 2\n'
UNFORMATTED = CLEAN + '\n\nVALUES = {  "a": 1}\n'  # only black has something to say


def hooks() -> list[dict[str, object]]:
    loaded: list[dict[str, object]] = YAML(typ="safe").load(HOOKS.read_text(encoding="utf-8"))
    return loaded


def test_a_hook_for_run_all_and_for_each_check_each_on_the_whole_project() -> None:
    by_id = {str(hook["id"]): hook for hook in hooks()}
    expected = {"quality-gate": "run-all", **{f"quality-gate-{name}": name for name in single()}}
    assert {hook_id: by_id[hook_id]["entry"] for hook_id in by_id} == {
        hook_id: f"quality-gate {function}" for hook_id, function in expected.items()
    }
    for hook in by_id.values():
        assert hook["language"] == "python" and hook["pass_filenames"] is False, hook
        assert hook["require_serial"] is True and hook["types_or"] == ["python", "pyi"], hook


@pytest.fixture(scope="module")
def hook_repository(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """This checkout as pre-commit sees a hook repository: a git repository and a commit of it, for `rev:`."""
    return checkout_copy(tmp_path_factory.mktemp("hook-repository"))


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """pre-commit's own cache (the hooks' environment, built once) and every other cache, for all tests here."""
    return tmp_path_factory.mktemp("pre-commit-home")


def project(root: Path, hook_repository: tuple[Path, str]) -> Path:
    """A user's repository whose .pre-commit-config.yaml names every hook of this repository at that commit.

    The hooks' Python is the one running the tests (language_version): pre-commit would otherwise pick a
    `python3.X` found on PATH, which on a pyenv machine may be a shim that does not run."""
    repository, commit = hook_repository
    (root / "src").mkdir(parents=True)
    (root / "src" / "app.py").write_text(CLEAN, encoding="utf-8")
    listed = "".join(f"      - id: {hook['id']}\n" for hook in hooks())
    (root / ".pre-commit-config.yaml").write_text(
        f"default_language_version:\n  python: {os.path.realpath(sys.executable)}\n"
        f"repos:\n  - repo: {repository}\n    rev: {commit}\n    hooks:\n{listed}",
        encoding="utf-8",
    )
    git(root, "init", "-q")
    git(root, "add", "-A")
    return root


def git(root: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    argv = ["git", "-C", str(root), "-c", "user.name=tests", "-c", "user.email=tests@example.invalid", *args]
    return subprocess.run(argv, env=env, capture_output=True, text=True, check=False, timeout=900)


def pre_commit_env(home: Path) -> dict[str, str]:
    """pip (which builds the hooks' environment) and the gate find everything in the wheelhouse, nothing online."""
    need_wheelhouse()
    return {**offline_env(home), "PRE_COMMIT_HOME": str(home / "pre-commit"), "PRE_COMMIT_COLOR": "never"}


def pre_commit(root: Path, home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    argv = [str(Path(sys.executable).parent / "pre-commit"), *args]
    env = pre_commit_env(home)
    return subprocess.run(argv, cwd=root, env=env, capture_output=True, text=True, check=False, timeout=900)


def verdicts(output: str) -> dict[str, str]:
    """Each hook's line in pre-commit's output (`name.....Passed`): its name and its verdict."""
    names = {str(hook["name"]) for hook in hooks()}
    found = {}
    for line in output.splitlines():
        name, dots, verdict = line.rpartition(".")
        if dots and name.rstrip(".") in names:
            found[name.rstrip(".")] = verdict
    return found


def test_the_hooks_pass_on_clean_code_and_fail_on_a_finding_with_the_gates_output(
    hook_repository: tuple[Path, str], home: Path, tmp_path: Path
) -> None:
    root = project(tmp_path / "project", hook_repository)
    clean = pre_commit(root, home, "run", "--all-files")
    assert clean.returncode == 0, said(clean)
    assert set(verdicts(clean.stdout).values()) == {"Passed"} and len(verdicts(clean.stdout)) == 5, said(clean)

    (root / "src" / "app.py").write_text(UNFORMATTED, encoding="utf-8")
    git(root, "add", "-A")
    found = pre_commit(root, home, "run", "--all-files")
    assert found.returncode == 1, said(found)
    assert verdicts(found.stdout) == {
        "quality gate (pylint, black, mypy, ruff)": "Failed",
        "quality gate pylint": "Passed",
        "quality gate black --check": "Failed",
        "quality gate mypy": "Passed",
        "quality gate ruff": "Passed",
    }, said(found)
    assert "- hook id: quality-gate-format\n- exit code: 1" in found.stdout, said(found)
    assert "would reformat src/app.py" in found.stdout and '+VALUES = {"a": 1}' in found.stdout, said(found)
    assert summary_rows(found.stdout)["black"][0] == "failed", said(found)


def test_installed_as_a_git_hook_it_stops_a_commit_with_a_finding(
    hook_repository: tuple[Path, str], home: Path, tmp_path: Path
) -> None:
    root = project(tmp_path / "project", hook_repository)
    installed = pre_commit(root, home, "install")
    assert installed.returncode == 0, said(installed)
    env = pre_commit_env(home)
    first = git(root, "commit", "-q", "-m", "clean", env=env)
    assert first.returncode == 0, said(first)
    (root / "src" / "app.py").write_text(UNFORMATTED, encoding="utf-8")
    git(root, "add", "-A")
    refused = git(root, "commit", "-q", "-m", "unformatted", env=env)
    assert refused.returncode == 1, said(refused)
    assert "would reformat src/app.py" in refused.stderr, said(refused)  # git shows its hook's output there
    log = git(root, "log", "--format=%s")
    assert log.stdout.split() == ["clean"], "the commit with a finding was not made"
