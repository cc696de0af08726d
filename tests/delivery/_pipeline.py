"""gitlab-ci-local over a throwaway git repository: GitLab's own merging, rules and job scripts.

gitlab-ci-local (pinned in .ci/gitlab-ci-local, installed by `make test-tools`) reads the CI files
as GitLab does: includes (the component's inputs too), `extends`, variables and job rules
(`--list-json`), the merged configuration (`--preview`), and runs the jobs' real scripts with
`--force-shell-executor`. Every run happens in a temporary git repository (a copy of this project,
or a user's project that only includes the component) with a temporary HOME, so nothing is written
elsewhere.
"""

from __future__ import annotations

import json
import os
import platform
import re
import shutil
import subprocess
from collections.abc import Mapping, Sequence
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
# reports for `report export` (summary.txt a copy of FAKE_SUMMARY, when set), and fails for the function
# named in FAKE_DAGGER_FAIL, with exit code FAKE_DAGGER_EXIT (default 1).
RECORDING_DAGGER = """#!/bin/sh
printf '%s\\n' "$*" >> "$FAKE_DAGGER_LOG"
for word in "$@"; do
    if [ "$word" = "${FAKE_DAGGER_FAIL:-}" ]; then echo "dagger: $word failed" >&2; exit "${FAKE_DAGGER_EXIT:-1}"; fi
done
case "$*" in
    *" report export --path=reports")
        mkdir -p reports
        echo '[]' > reports/gl-code-quality-report.json
        echo '<testsuites/>' > reports/junit.xml
        if [ -n "${FAKE_SUMMARY:-}" ]; then cp "$FAKE_SUMMARY" reports/summary.txt; fi ;;
esac
"""
# A stand-in for ssh, for `git archive --remote=ssh://git@HOST:22/GROUP/PROJECT.git`, which is how
# gitlab-ci-local fetches a component of another project: the remote command runs on FAKE_GIT_HOST, a
# folder of repositories laid out as GROUP/PROJECT.git.
FAKE_SSH = """#!/bin/sh
for word in "$@"; do command=$word; done
case "$command" in
    "git-upload-archive '/"*"'") path=${command#"git-upload-archive '"}; path=${path%"'"} ;;
    *) echo "fake ssh: not a git archive: $command" >&2; exit 128 ;;
esac
exec git upload-archive "$FAKE_GIT_HOST$path"
"""
ORIGIN = "git@gitlab.example.com:group/project.git"
# gitlab-ci-local's line for a job that ended: `NAME  finished in 5 ms`, then ` WARN 1 ` (an allowed failure)
# or ` FAIL 2 ` when it did not pass.
FINISHED = re.compile(r"^(?P<job>\S+) +finished in .*?(?: (?P<status>WARN|FAIL) (?P<code>\d+))? *$", re.MULTILINE)


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


def copy_of_the_project(repo: Path) -> Path:
    """The project's tracked files in `repo` (not yet a git repository)."""
    for name in tracked_files():
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / name, repo / name)
    return repo


def commit_all(repo: Path, origin: str) -> None:
    """`repo` as a git repository with one commit on `main`, origin's default branch."""
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "the project")
    git(repo, "remote", "add", "origin", origin)
    git(repo, "update-ref", "refs/remotes/origin/main", "HEAD")
    git(repo, "symbolic-ref", "refs/remotes/origin/HEAD", "refs/remotes/origin/main")


class Pipeline:
    """A git repository on branch `main` (origin's default), a fake release and a bin folder.

    By default a copy of this project; with `files`, a user's project of just those files (relative path:
    text), whose component includes gitlab-ci-local fetches from `git_host` (see FAKE_SSH).
    """

    def __init__(
        self,
        root: Path,
        files: Mapping[str, str] | None = None,
        origin: str = ORIGIN,
        git_host: Path | None = None,
    ) -> None:
        self.repo = root / "repo"
        self.home = root / "home"
        self.bin = root / "bin"
        self.log = root / "dagger.log"
        for folder in (self.repo, self.home, self.bin):
            folder.mkdir(parents=True)
        if files is None:
            copy_of_the_project(self.repo)
        for name, text in (files or {}).items():
            (self.repo / name).parent.mkdir(parents=True, exist_ok=True)
            (self.repo / name).write_text(text, encoding="utf-8")
        commit_all(self.repo, origin)
        self.fetching: dict[str, str] = {}
        if git_host is not None:
            ssh = root / "fake-ssh"
            ssh.write_text(FAKE_SSH, encoding="utf-8")
            ssh.chmod(0o755)
            # GIT_SSH_VARIANT: an OpenSSH-like client, which git hands the port (-p 22).
            self.fetching = {"GIT_SSH_COMMAND": str(ssh), "GIT_SSH_VARIANT": "ssh", "FAKE_GIT_HOST": str(git_host)}
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
                **self.fetching,
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
        releases: Path | None = None,
    ) -> subprocess.CompletedProcess[str]:
        """The jobs' real scripts with the shell executor, installing the CLI from the fake releases (or those in
        `releases`) into bin; `variables` as a project's CI/CD variables would set them."""
        self.log.unlink(missing_ok=True)
        for installed in self.bin.iterdir():
            installed.unlink()
        # As a runner's fresh checkout (git clean -ffdx): no reports/ left by an earlier run's artifacts.
        git(self.repo, "clean", "-q", "-ffdx", "--exclude=.gitlab-ci-local*")
        args = ["--file", ci_file, "--force-shell-executor", "--concurrency", "1"]
        args += [
            "--variable",
            f"DAGGER_BASE_URL={(releases or self.releases).as_uri()}",
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


def job_results(done: subprocess.CompletedProcess[str]) -> dict[str, str]:
    """How each job of a gitlab-ci-local run ended: "passed", or "WARN <exit code>" / "FAIL <exit code>".

    A run of a whole pipeline ends with `pipeline finished in ...`, which is not a job.
    """
    return {
        found["job"]: f"{found['status']} {found['code']}" if found["status"] else "passed"
        for found in FINISHED.finditer(done.stdout + done.stderr)
        if found["job"] != "pipeline"
    }
