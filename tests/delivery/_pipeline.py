"""gitlab-ci-local over a throwaway git copy of the project: GitLab's own merging, rules and job scripts.

gitlab-ci-local (pinned in .ci/gitlab-ci-local, installed by `make test-tools`) reads the CI files
as GitLab does: includes, `extends`, variables and job rules (`--list-json`), the merged
configuration (`--preview`), and runs the jobs' real scripts with `--force-shell-executor`. Every
run happens in a temporary git repository with a temporary HOME, so nothing is written elsewhere.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from _delivery import dagger_json_version, fake_release
from helpers.paths import REPO
from ruamel.yaml import YAML

PACKAGE = REPO / ".ci" / "gitlab-ci-local" / "node_modules" / "gitlab-ci-local"
EXECUTABLE = REPO / ".ci" / "gitlab-ci-local" / "node_modules" / ".bin" / "gitlab-ci-local"
WORKFLOW_RULES = Path(__file__).with_name("workflow_rules.mjs")
# A stand-in for the dagger CLI, shipped in the fake release: it records its arguments, writes the
# two reports for `report export`, and fails for the function named in FAKE_DAGGER_FAIL.
RECORDING_DAGGER = """#!/bin/sh
printf '%s\\n' "$*" >> "$FAKE_DAGGER_LOG"
case "$*" in
    *" report export --path=reports")
        mkdir -p reports
        echo '[]' > reports/gl-code-quality-report.json
        echo '<testsuites/>' > reports/junit.xml ;;
esac
for word in "$@"; do
    if [ "$word" = "${FAKE_DAGGER_FAIL:-}" ]; then echo "dagger: $word failed" >&2; exit 1; fi
done
"""


def require_tools() -> None:
    """Skip without Node.js (saying why); fail clearly when only the pinned install or rsync is missing."""
    if shutil.which("node") is None:
        pytest.skip("Node.js is not installed: gitlab-ci-local cannot run (.ci/run installs Node.js)")
    if not EXECUTABLE.exists():
        pytest.fail(f"{EXECUTABLE.relative_to(REPO)} is missing: run `make test-tools` (make test does it)")
    if shutil.which("rsync") is None:
        pytest.fail("gitlab-ci-local needs rsync: apt-get install rsync (.ci/run does it)")


def machine_arch() -> str:
    """The installer's name for this machine's architecture."""
    return {"x86_64": "amd64", "amd64": "amd64", "aarch64": "arm64", "arm64": "arm64"}[platform.machine().lower()]


def git(repo: Path, *args: str) -> None:
    """A git command in the copy, with a fixed identity (no global configuration needed)."""
    identity = ["-c", "user.name=Quality Gate Tests", "-c", "user.email=tests@example.com"]
    subprocess.run(["git", *identity, *args], cwd=repo, check=True, capture_output=True, timeout=60)


def tracked_files() -> list[str]:
    """The project's files as git knows them (a fresh clone has exactly these)."""
    done = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, check=True, capture_output=True, timeout=60)
    return [name for name in done.stdout.decode().split("\0") if name and (REPO / name).is_file()]


class Pipeline:
    """A git copy of the project on branch `main` (origin's default), a fake release and a bin folder."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.repo = root / "repo"
        self.home = root / "home"
        self.bin = root / "bin"
        self.log = root / "dagger.log"
        for folder in (self.repo, self.home, self.bin):
            folder.mkdir(parents=True)
        for name in tracked_files():
            (self.repo / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, self.repo / name)
        git(self.repo, "init", "-q", "-b", "main")
        git(self.repo, "add", "-A")
        git(self.repo, "commit", "-q", "-m", "the project")
        git(self.repo, "remote", "add", "origin", "git@gitlab.example.com:group/project.git")
        git(self.repo, "update-ref", "refs/remotes/origin/main", "HEAD")
        git(self.repo, "symbolic-ref", "refs/remotes/origin/HEAD", "refs/remotes/origin/main")
        self.previews: dict[str, dict[str, Any]] = {}
        self.releases = root / "releases"
        fake_release(self.releases, dagger_json_version(), machine_arch(), dagger=RECORDING_DAGGER)

    def run(
        self, *args: str, env: dict[str, str] | None = None, check: bool = True
    ) -> subprocess.CompletedProcess[str]:
        """gitlab-ci-local in the copy: HOME, PATH's first folder and the dagger log all under the root."""
        environment = {k: v for k, v in os.environ.items() if not k.startswith(("CI_", "GITLAB_", "DAGGER_"))}
        environment.update(
            {
                "HOME": str(self.home),
                "PATH": f"{self.bin}{os.pathsep}{os.environ.get('PATH', '')}",
                "FAKE_DAGGER_LOG": str(self.log),
                "NO_COLOR": "1",
                **(env or {}),
            }
        )
        done = subprocess.run(
            [str(EXECUTABLE), *args],
            cwd=self.repo,
            env=environment,
            capture_output=True,
            text=True,
            check=False,
            timeout=300,
        )
        if check:
            assert done.returncode == 0, done.stdout + done.stderr
        return done

    def preview(self, ci_file: str) -> dict[str, Any]:
        """The configuration as gitlab-ci-local merges it: includes, `extends` and defaults resolved (a fresh copy)."""
        if ci_file not in self.previews:
            done = self.run("--file", ci_file, "--preview")
            data = YAML(typ="safe", pure=True).load(done.stdout)
            assert isinstance(data, dict), done.stdout
            self.previews[ci_file] = data
        copied: dict[str, Any] = json.loads(json.dumps(self.previews[ci_file]))
        return copied

    def jobs_listed(self, ci_file: str, variables: dict[str, str | None]) -> set[str]:
        """The jobs gitlab-ci-local's rules let run for these variables (None: unset)."""
        # Setting GitLab's predefined variables is the point here: its warning about that is silenced.
        predefined = ",".join(name for name in variables if name.startswith("CI_"))
        ignore = ["--ignore-predefined-vars", predefined] if predefined else []
        done = self.run("--file", ci_file, "--list-json", *ignore, *variable_args(variables))
        return {job["name"] for job in json.loads(done.stdout) if job["when"] != "never"}

    def workflow_when(self, ci_file: str, variables: dict[str, str | None]) -> str:
        """What the file's workflow:rules say for these variables, by gitlab-ci-local's rules engine."""
        config = self.preview(ci_file)
        values = {name: str(value) for name, value in (config.get("variables") or {}).items()}
        values.update({name: value for name, value in variables.items() if value is not None})
        rules = (config.get("workflow") or {}).get("rules", [])
        done = subprocess.run(
            ["node", str(WORKFLOW_RULES), str(PACKAGE)],
            input=json.dumps({"rules": rules, "variables": values}),
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        )
        return done.stdout.strip()

    def pipeline_jobs(self, ci_file: str, variables: dict[str, str | None]) -> set[str]:
        """The jobs of the pipeline GitLab would create: none when the workflow says never."""
        if self.workflow_when(ci_file, variables) == "never":
            return set()
        return self.jobs_listed(ci_file, variables)

    def execute(
        self,
        ci_file: str,
        jobs: Sequence[str],
        env: dict[str, str] | None = None,
        variables: dict[str, str | None] | None = None,
    ) -> subprocess.CompletedProcess[str]:
        """The jobs' real scripts with the shell executor, installing the CLI from the fake release into bin;
        `variables` as a project's CI/CD variables would set them."""
        self.log.unlink(missing_ok=True)
        for installed in self.bin.iterdir():
            installed.unlink()
        args = ["--file", ci_file, "--force-shell-executor", "--concurrency", "1"]
        args += [
            "--variable",
            f"DAGGER_BASE_URL={self.releases.as_uri()}",
            "--variable",
            f"DAGGER_INSTALL_DIR={self.bin}",
        ]
        return self.run(*args, *variable_args(variables or {}), *jobs, env=env, check=False)

    def dagger_calls(self) -> list[str]:
        """Every command line the stand-in CLI was called with, in order."""
        return self.log.read_text(encoding="utf-8").splitlines() if self.log.exists() else []


def variable_args(variables: dict[str, str | None]) -> list[str]:
    """--variable NAME=value, or --unset-variable NAME for None."""
    args: list[str] = []
    for name, value in variables.items():
        args += ["--unset-variable", name] if value is None else ["--variable", f"{name}={value}"]
    return args
