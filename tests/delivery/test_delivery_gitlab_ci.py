"""The GitLab CI files: GitLab's schema, then the pipeline as gitlab-ci-local evaluates and runs it.

check-jsonschema validates structure only. Everything else is read from gitlab-ci-local, which
merges includes and `extends`, evaluates variables and rules, and runs every job's real script
with the shell executor: the real installer, against a fake release (checksums and all) served
from file://, installs a stand-in `dagger` that records its command line. No Docker is needed,
except for the DinD file's `services:`, which are left out of the run (see below).
"""

# Test names say what each test proves; pytest fixtures arrive as parameters named like the fixture.
# pylint: disable=missing-function-docstring,redefined-outer-name

from __future__ import annotations

import re
import shlex
import subprocess
from collections.abc import Iterator
from typing import Any

import pytest
from _delivery import dagger_json_version, registered_functions, tool
from _pipeline import Pipeline, machine_arch, require_tools
from helpers.paths import REPO
from ruamel.yaml import YAML

SOCKET_FILE = ".gitlab-ci.yml"
DIND_FILE = ".docker/gitlab-ci-dind.yml"
CI_FILES = [SOCKET_FILE, DIND_FILE]
# Top-level keywords that are not jobs.
RESERVED = {"default", "include", "stages", "variables", "workflow", "image", "services", "cache", "spec"}
# GitLab's predefined variables that these files may use (a misspelt CI_* name is an error).
PREDEFINED = {
    "CI_COMMIT_BRANCH",
    "CI_DEFAULT_BRANCH",
    "CI_OPEN_MERGE_REQUESTS",
    "CI_PIPELINE_SOURCE",
    "CI_PROJECT_PATH",
}
CHECK_JOBS = {"lint", "format", "mypy", "ruff"}
VARIABLE_REF = re.compile(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?")
# gitlab-ci-local sets CI_PROJECT_PATH from the test repository's remote (git@gitlab.example.com:group/project.git).
CALL = [
    *("dagger", "call", "--source-path", "src", "--config-path", ".config", "--incremental=true"),
    *("--project", "group/project"),
]

# Pipeline sources, as GitLab sets their variables (a merge request pipeline has no CI_COMMIT_BRANCH).
MERGE_REQUEST: dict[str, str | None] = {
    "CI_PIPELINE_SOURCE": "merge_request_event",
    "CI_COMMIT_BRANCH": None,
    "CI_DEFAULT_BRANCH": "main",
}
DEFAULT_BRANCH: dict[str, str | None] = {
    "CI_PIPELINE_SOURCE": "push",
    "CI_COMMIT_BRANCH": "main",
    "CI_DEFAULT_BRANCH": "main",
}
OTHER_BRANCH: dict[str, str | None] = {**DEFAULT_BRANCH, "CI_COMMIT_BRANCH": "feature"}
OTHER_BRANCH_WITH_MR = {**OTHER_BRANCH, "CI_OPEN_MERGE_REQUESTS": "group/project!1"}


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pipeline]:
    require_tools()
    yield Pipeline(tmp_path_factory.mktemp("pipeline"))


@pytest.fixture(scope="module")
def merged(pipeline: Pipeline) -> dict[str, dict[str, Any]]:
    return {ci_file: pipeline.preview(ci_file) for ci_file in CI_FILES}


def jobs_of(config: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {name: job for name, job in config.items() if name not in RESERVED and not name.startswith(".")}


def strings(value: Any) -> list[str]:
    """Every string inside a YAML value, keys included."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for key, item in value.items() for s in [*strings(key), *strings(item)]]
    if isinstance(value, list):
        return [s for item in value for s in strings(item)]
    return []


def dagger_calls(script: list[str]) -> list[list[str]]:
    """The `dagger call ...` command lines of a script, split as the shell would."""
    return [words for line in script if (words := shlex.split(line))[:2] == ["dagger", "call"]]


def called_function(words: list[str]) -> str:
    """The function a `dagger call` line calls: the first word after the call's options."""
    takes_value = {"--source-path", "--config-path", "--project", "-m", "--mod", "--progress"}
    index = 2
    while index < len(words) and words[index].startswith("-"):
        index += 2 if words[index] in takes_value else 1
    assert index < len(words), f"no function in {words}"
    return words[index]


# -------------------------------------------------------- the files themselves --


@pytest.mark.parametrize("ci_file", CI_FILES)
def test_gitlab_schema(ci_file: str) -> None:
    result = subprocess.run(
        [tool("check-jsonschema"), "--builtin-schema", "vendor.gitlab-ci", "--data-transform", "gitlab-ci", ci_file],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("ci_file", CI_FILES)
def test_stages_and_needs_name_what_exists(merged: dict[str, dict[str, Any]], ci_file: str) -> None:
    config = merged[ci_file]
    jobs = jobs_of(config)
    assert set(jobs) == CHECK_JOBS | {"run-all", "report"}
    for name, job in jobs.items():
        assert job["stage"] in config["stages"], f"{name}: stage {job['stage']!r} is not in {config['stages']}"
        for need in job.get("needs") or []:
            assert (need if isinstance(need, str) else need["job"]) in jobs, name


@pytest.mark.parametrize("ci_file", CI_FILES)
def test_each_job_calls_a_function_the_module_registers(merged: dict[str, dict[str, Any]], ci_file: str) -> None:
    registered = registered_functions()
    for name, job in jobs_of(merged[ci_file]).items():
        calls = dagger_calls(job["script"])
        assert calls, f"{name} calls no dagger function"
        for words in calls:
            assert called_function(words) in registered, f"{name}: {words}; the module has {sorted(registered)}"
            assert words[2:7] == [
                "--source-path",
                "$QG_SOURCE",
                "--config-path",
                "$QG_CONFIG",
                "--incremental=$QG_INCREMENTAL",
            ], words


@pytest.mark.parametrize("ci_file", CI_FILES)
def test_no_undefined_variable(merged: dict[str, dict[str, Any]], ci_file: str) -> None:
    config = merged[ci_file]
    global_names = set(config["variables"])
    used_in_workflow = {m for s in strings(config["workflow"]) for m in VARIABLE_REF.findall(s)}
    assert used_in_workflow <= global_names | PREDEFINED, used_in_workflow - global_names - PREDEFINED
    for name, job in jobs_of(config).items():
        defined = global_names | set(job.get("variables") or {}) | PREDEFINED
        used = {m for s in strings(job) for m in VARIABLE_REF.findall(s)}
        assert used <= defined, f"{name} uses undefined {sorted(used - defined)}"


def test_socket_binding_has_no_dind(merged: dict[str, dict[str, Any]]) -> None:
    """Socket binding alone: no docker:dind service anywhere, DOCKER_HOST is the mounted socket."""
    config = merged[SOCKET_FILE]
    assert "services" not in config
    for name, job in jobs_of(config).items():
        assert "services" not in job, name
        assert job["variables"]["DOCKER_HOST"] == "unix:///var/run/docker.sock", name
        assert "DOCKER_TLS_CERTDIR" not in job["variables"], name
    assert "DOCKER_VERSION" not in (REPO / SOCKET_FILE).read_text(encoding="utf-8"), "the tutorial's undefined variable"


def test_socket_binding_leaves_other_versions_engines_alone(merged: dict[str, dict[str, Any]]) -> None:
    """On a shared Docker, a CLI of another version must not remove this project's engine, nor ours theirs."""
    for name, job in jobs_of(merged[SOCKET_FILE]).items():
        assert job["variables"]["DAGGER_LEAVE_OLD_ENGINE"] == "1", name
    for name, job in jobs_of(merged[DIND_FILE]).items():
        assert job["variables"]["DAGGER_LEAVE_OLD_ENGINE"] == "0", f"{name}: a fresh daemon per job, the default"


def test_dind_variant_swaps_only_the_docker_connection(merged: dict[str, dict[str, Any]]) -> None:
    socket_jobs, dind_jobs = jobs_of(merged[SOCKET_FILE]), jobs_of(merged[DIND_FILE])
    assert set(dind_jobs) == set(socket_jobs)
    for name, job in dind_jobs.items():
        assert [(s["name"], s.get("alias")) for s in job["services"]] == [("$QG_DIND_IMAGE", "docker")], name
        variables = job["variables"]
        assert variables["DOCKER_HOST"] == "tcp://docker:2376"
        assert variables["DOCKER_TLS_CERTDIR"] == "/certs"
        assert variables["DOCKER_CERT_PATH"] == "/certs/client"
        assert variables["DOCKER_TLS_VERIFY"] == "1"
        same = {k: v for k, v in job.items() if k not in {"services", "variables"}}
        assert same == {k: v for k, v in socket_jobs[name].items() if k != "variables"}, name


@pytest.mark.parametrize("ci_file", CI_FILES)
def test_versions_are_pinned(merged: dict[str, dict[str, Any]], ci_file: str) -> None:
    config = merged[ci_file]
    assert str(config["variables"]["DAGGER_VERSION"]) == dagger_json_version()
    assert config["variables"]["DAGGER_INSTALL_DIR"] == "/usr/local/bin"
    for name, job in jobs_of(config).items():
        assert job["image"]["name"] == "$QG_DOCKER_CLI_IMAGE", f"{name}: from .docker/images.yml"
        assert job["before_script"][0] == 'sh .docker/install-dagger.sh "$DAGGER_VERSION" "$DAGGER_INSTALL_DIR"', name


@pytest.mark.parametrize("ci_file", CI_FILES)
def test_dagger_environment(merged: dict[str, dict[str, Any]], ci_file: str) -> None:
    variables = merged[ci_file]["variables"]
    assert variables["DAGGER_NO_NAG"] == "1"
    assert variables["DAGGER_PROGRESS"] == "plain"
    assert "DAGGER_CLOUD_TOKEN" not in variables, "a secret belongs in the project's masked variables"


@pytest.mark.parametrize("ci_file", CI_FILES)
def test_report_job_publishes_both_reports_always(merged: dict[str, dict[str, Any]], ci_file: str) -> None:
    config = merged[ci_file]
    report = jobs_of(config)["report"]
    assert report["stage"] == config["stages"][-2], "the last stage before .post: after the checks"
    assert report["rules"] == [{"when": "always"}], "also when a check failed"
    assert report["artifacts"]["when"] == "always"
    assert report["artifacts"]["reports"] == {
        "codequality": "reports/gl-code-quality-report.json",
        "junit": "reports/junit.xml",
    }


# ------------------------------------------------ which jobs each pipeline runs --

PARALLEL = CHECK_JOBS | {"report"}
RUN_ALL = {"run-all", "report"}


@pytest.mark.parametrize(("ci_file", "default_jobs"), [(SOCKET_FILE, PARALLEL), (DIND_FILE, RUN_ALL)])
@pytest.mark.parametrize(
    ("source", "runs"),
    [(MERGE_REQUEST, True), (DEFAULT_BRANCH, True), (OTHER_BRANCH, False), (OTHER_BRANCH_WITH_MR, False)],
    ids=["merge-request", "default-branch", "other-branch", "other-branch-with-open-mr"],
)
def test_jobs_per_pipeline_source_and_mode(
    pipeline: Pipeline, ci_file: str, default_jobs: set[str], source: dict[str, str | None], runs: bool
) -> None:
    """Merge requests and the default branch get a pipeline, other branches none (with an MR, no duplicate)."""
    assert pipeline.pipeline_jobs(ci_file, source) == (default_jobs if runs else set())
    assert pipeline.pipeline_jobs(ci_file, {**source, "QG_MODE": "parallel"}) == (PARALLEL if runs else set())
    assert pipeline.pipeline_jobs(ci_file, {**source, "QG_MODE": "run-all"}) == (RUN_ALL if runs else set())


def test_job_rules_alone_would_run_other_branches(pipeline: Pipeline) -> None:
    """The control: gitlab-ci-local lists jobs by their own rules; only workflow:rules keep a branch out."""
    assert pipeline.jobs_listed(SOCKET_FILE, OTHER_BRANCH) == PARALLEL
    assert pipeline.workflow_when(SOCKET_FILE, OTHER_BRANCH) == "never"


# ---------------------------------------------------- every job, run for real --


def runnable(pipeline: Pipeline, ci_file: str) -> str:
    """The file gitlab-ci-local runs: the socket file as is; the DinD file merged, without `services:`.

    A service is a container (here docker:dind), which needs a Docker engine; gitlab-ci-local starts
    one for any job that has it, even with the shell executor. The rest of each merged job runs.
    """
    if ci_file == SOCKET_FILE:
        return ci_file
    config = pipeline.preview(ci_file)
    for job in jobs_of(config).values():
        del job["services"]
    target = pipeline.repo / ".gitlab-ci-local-dind-without-services.yml"
    with target.open("w", encoding="utf-8") as stream:
        YAML(typ="safe", pure=True).dump(config, stream)
    return target.name


JOB_CALLS = {
    "lint": [*CALL, "lint"],
    "format": [*CALL, "format"],
    "mypy": [*CALL, "mypy"],
    "ruff": [*CALL, "ruff"],
    "run-all": [*CALL, "run-all"],
    "report": [*CALL, "report", "export", "--path=reports"],
}


@pytest.mark.parametrize("ci_file", CI_FILES)
@pytest.mark.parametrize("job", list(JOB_CALLS))
def test_each_job_runs_its_script_end_to_end(pipeline: Pipeline, ci_file: str, job: str) -> None:
    """One job at a time: the verified install into a temporary folder, then its exact dagger command."""
    done = pipeline.execute(runnable(pipeline, ci_file), [job])
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert f"dagger_v{dagger_json_version()}_linux_{machine_arch()}.tar.gz: OK" in output, "sha256sum -c ran"
    assert (pipeline.bin / "dagger").is_file(), "installed into DAGGER_INSTALL_DIR"
    assert [shlex.split(line) for line in pipeline.dagger_calls()] == [["version"], JOB_CALLS[job][1:]]


def test_a_ci_variable_runs_pylint_and_black_whole(pipeline: Pipeline) -> None:
    done = pipeline.execute(SOCKET_FILE, ["lint"], variables={"QG_INCREMENTAL": "false"})
    assert done.returncode == 0, done.stdout + done.stderr
    lint = [*CALL[:-3], "--incremental=false", *CALL[-2:], "lint"]
    assert [shlex.split(line) for line in pipeline.dagger_calls()] == [["version"], lint[1:]]


@pytest.mark.parametrize("ci_file", CI_FILES)
def test_report_leaves_its_artifacts(pipeline: Pipeline, ci_file: str) -> None:
    done = pipeline.execute(runnable(pipeline, ci_file), ["report"])
    assert done.returncode == 0, done.stdout + done.stderr
    artifacts = pipeline.repo / ".gitlab-ci-local" / "artifacts" / "report" / "reports"
    assert sorted(path.name for path in artifacts.iterdir()) == ["gl-code-quality-report.json", "junit.xml"]


@pytest.mark.parametrize(("ci_file", "failing"), [(SOCKET_FILE, "lint"), (DIND_FILE, "run-all")])
def test_report_runs_when_a_check_fails(pipeline: Pipeline, ci_file: str, failing: str) -> None:
    """The whole default pipeline, one check failing: the pipeline fails and report still runs, `when: always`."""
    done = pipeline.execute(runnable(pipeline, ci_file), [], env={"FAKE_DAGGER_FAIL": failing})
    assert done.returncode != 0, "a failed check fails the pipeline"
    calls = [["dagger", *shlex.split(line)] for line in pipeline.dagger_calls() if line.startswith("call ")]
    functions = [called_function(words) for words in calls]
    assert functions[-1] == "report" and failing in functions
    assert (pipeline.repo / ".gitlab-ci-local" / "artifacts" / "report" / "reports" / "junit.xml").is_file()


def test_gitlab_ci_local_writes_only_in_the_copy(pipeline: Pipeline) -> None:
    pipeline.execute(SOCKET_FILE, ["ruff"])
    assert (pipeline.repo / ".gitlab-ci-local").is_dir()
    assert not (REPO / ".gitlab-ci-local").exists()
