"""This repository's GitLab CI files: GitLab's schema, then the pipeline as gitlab-ci-local evaluates and runs it.

Both files include the component (templates/quality-gate.yml) at the commit under test, as GitLab's docs
say a project uses its own component; gitlab-ci-local reads such an include from the checkout. Everything is
read from gitlab-ci-local, which interpolates the inputs, merges `extends`, evaluates rules, and runs every
job's real script with the shell executor: the real installer (the component's copy), against a fake
release (checksums and all) served from file://, installs a stand-in `dagger` that records its command
line. No Docker is needed, except for the DinD service, which is left out of the run (see `runnable`).
The component itself, its inputs and a user's project: test_delivery_component.py.
"""

# Test names say what each test proves; pytest fixtures arrive as parameters named like the fixture.
# pylint: disable=missing-function-docstring,redefined-outer-name

from __future__ import annotations

import re
import shlex
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from _delivery import component_inputs, dagger_json_version, registered_functions, tool
from _pipeline import Pipeline, job_results, machine_arch, require_tools
from _summaries import OUTCOMES, Summary, verdict, write_summary
from helpers.paths import REPO
from quality_gate.functions import single
from ruamel.yaml import YAML

SOCKET_FILE = ".gitlab-ci.yml"
DIND_FILE = ".docker/gitlab-ci-dind.yml"
CI_FILES = [SOCKET_FILE, DIND_FILE]
OWN_COMPONENT = "$CI_SERVER_FQDN/$CI_PROJECT_PATH/quality-gate@$CI_COMMIT_SHA"
# Top-level keywords that are not jobs.
RESERVED = {"default", "include", "stages", "variables", "workflow", "image", "services", "cache", "spec"}
# GitLab's predefined variables that the jobs may use (a misspelt CI_* name is an error).
PREDEFINED = {
    "CI_COMMIT_BRANCH",
    "CI_DEFAULT_BRANCH",
    "CI_OPEN_MERGE_REQUESTS",
    "CI_PIPELINE_SOURCE",
    "CI_PROJECT_PATH",
}
PREFIX = "quality-gate-"
CHECK_JOBS = {f"{PREFIX}{name}" for name in single()}
REPORT, RUN_ALL_JOB = f"{PREFIX}report", f"{PREFIX}run-all"
PARALLEL = CHECK_JOBS | {REPORT}
RUN_ALL = {RUN_ALL_JOB}
# A GitLab variable in a job (the shell's own variables are lower case in these scripts).
VARIABLE_REF = re.compile(r"\$\{?([A-Z_][A-Z0-9_]*)")
# The options every `dagger call` of the component passes, before the function (the module: "." here).
CALL_OPTIONS = [
    *("-m", "${QG_MODULE}", "call", "--workspace=.", "--source-path", "${QG_SOURCE}", "--config-path", "${QG_CONFIG}"),
    *("--incremental=true", "--project", "${CI_PROJECT_PATH}"),
]
# gitlab-ci-local sets CI_PROJECT_PATH from the test repository's remote (git@gitlab.example.com:group/project.git).
CALL = [
    *("dagger", "-m", ".", "call", "--workspace=.", "--source-path", "src", "--config-path", ".config"),
    *("--incremental=true", "--project", "group/project"),
]
REPORT_EXPORT = ["report", "export", "--path=reports"]

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


@pytest.fixture(scope="module")
def summaries(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Summary]:
    base = tmp_path_factory.mktemp("summaries")
    return {outcome: write_summary(base, outcome) for outcome in OUTCOMES}


def raw(ci_file: str) -> dict[str, Any]:
    data: dict[str, Any] = YAML(typ="safe", pure=True).load((REPO / ci_file).read_text(encoding="utf-8"))
    return data


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
    """The `dagger ... call ...` command lines of a script, split as the shell would (no expansion)."""
    calls = []
    for line in script:
        words = shlex.split(line) if line.startswith("dagger ") else []
        if "call" in words:
            calls.append(words)
    return calls


def called_function(words: list[str]) -> str:
    """The function a `dagger call` line calls: the first word after the call's options."""
    takes_value = {"--source-path", "--config-path", "--project", "-m", "--mod", "--progress"}
    index = words.index("call") + 1
    while index < len(words) and words[index].startswith("-"):
        index += 2 if words[index] in takes_value else 1
    assert index < len(words), f"no function in {words}"
    return words[index]


def recorded(pipeline: Pipeline) -> list[list[str]]:
    """The stand-in CLI's command lines, split, `dagger` first."""
    return [["dagger", *shlex.split(line)] for line in pipeline.dagger_calls()]


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
def test_the_merged_configuration_passes_gitlab_schema(
    merged: dict[str, dict[str, Any]], ci_file: str, tmp_path: Path
) -> None:
    """The pipeline GitLab would build: the component's inputs interpolated, its jobs merged."""
    target = tmp_path / "merged.yml"
    with target.open("w", encoding="utf-8") as stream:
        YAML(typ="safe", pure=True).dump(merged[ci_file], stream)
    result = subprocess.run(
        [tool("check-jsonschema"), "--builtin-schema", "vendor.gitlab-ci", str(target)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("ci_file", "inputs"),
    [(SOCKET_FILE, {"module": "."}), (DIND_FILE, {"module": ".", "docker": "dind", "mode": "run-all"})],
)
def test_each_file_includes_the_component_at_this_commit(ci_file: str, inputs: dict[str, str]) -> None:
    """As a user includes it: only the module differs (this checkout's), and the DinD file's two choices."""
    config = raw(ci_file)
    assert set(config) == {"workflow", "include"}, "all the rest is the component's"
    assert config["include"] == [{"component": OWN_COMPONENT, "inputs": inputs}]


def test_both_files_run_the_same_pipelines() -> None:
    assert raw(DIND_FILE)["workflow"] == raw(SOCKET_FILE)["workflow"]


@pytest.mark.parametrize("ci_file", CI_FILES)
def test_stages_and_needs_name_what_exists(merged: dict[str, dict[str, Any]], ci_file: str) -> None:
    config = merged[ci_file]
    jobs = jobs_of(config)
    assert set(jobs) == PARALLEL | RUN_ALL
    for name, job in jobs.items():
        assert job["stage"] in config["stages"], f"{name}: stage {job['stage']!r} is not in {config['stages']}"
        for need in job.get("needs") or []:
            assert (need if isinstance(need, str) else need["job"]) in jobs, name


@pytest.mark.parametrize("ci_file", CI_FILES)
def test_each_job_calls_a_function_the_module_registers(merged: dict[str, dict[str, Any]], ci_file: str) -> None:
    registered = registered_functions()
    for name, job in jobs_of(merged[ci_file]).items():
        calls = dagger_calls(job["script"])
        assert len(calls) == 1, f"{name} calls one dagger function: {calls}"
        words = calls[0]
        assert called_function(words) in registered, f"{name}: {words}; the module has {sorted(registered)}"
        assert words[1 : len(CALL_OPTIONS) + 1] == CALL_OPTIONS, words
        assert (job["variables"]["QG_MODULE"], job["variables"]["QG_SOURCE"], job["variables"]["QG_CONFIG"]) == (
            ".",
            "src",
            ".config",
        ), name


@pytest.mark.parametrize("ci_file", CI_FILES)
def test_no_undefined_variable(merged: dict[str, dict[str, Any]], ci_file: str) -> None:
    """Every variable a job uses is its own or GitLab's (the installer's optional ones are its own business)."""
    config = merged[ci_file]
    used_in_workflow = {m for s in strings(config["workflow"]) for m in VARIABLE_REF.findall(s)}
    assert used_in_workflow <= PREDEFINED, used_in_workflow - PREDEFINED
    for name, job in jobs_of(config).items():
        defined = set(job.get("variables") or {}) | PREDEFINED
        checked = {key: value for key, value in job.items() if key != "before_script"}
        used = {m for s in [*strings(checked), *job["before_script"][1:]] for m in VARIABLE_REF.findall(s)}
        assert used <= defined, f"{name} uses undefined {sorted(used - defined)}"
        installer = job["before_script"][0].splitlines()[0]
        assert set(VARIABLE_REF.findall(installer)) <= defined, installer


def test_socket_binding_has_no_dind(merged: dict[str, dict[str, Any]]) -> None:
    """Socket binding alone: no docker:dind service anywhere, DOCKER_HOST is the mounted socket."""
    config = merged[SOCKET_FILE]
    assert "services" not in config
    for name, job in jobs_of(config).items():
        assert "services" not in job, name
        assert job["variables"]["DOCKER_HOST"] == "unix:///var/run/docker.sock", name
        assert "DOCKER_TLS_CERTDIR" not in job["variables"], name
    assert "DOCKER_VERSION" not in str(config), "the tutorial's undefined variable"


def test_socket_binding_leaves_other_versions_engines_alone(merged: dict[str, dict[str, Any]]) -> None:
    """On a shared Docker, a CLI of another version must not remove this project's engine, nor ours theirs."""
    for name, job in jobs_of(merged[SOCKET_FILE]).items():
        assert job["variables"]["DAGGER_LEAVE_OLD_ENGINE"] == "1", name
    for name, job in jobs_of(merged[DIND_FILE]).items():
        assert job["variables"]["DAGGER_LEAVE_OLD_ENGINE"] == "0", f"{name}: a fresh daemon per job, the default"


def test_dind_variant_swaps_only_the_docker_connection_and_the_mode(merged: dict[str, dict[str, Any]]) -> None:
    socket_jobs, dind_jobs = jobs_of(merged[SOCKET_FILE]), jobs_of(merged[DIND_FILE])
    assert set(dind_jobs) == set(socket_jobs)
    dind_image = component_inputs()["dind_image"]["default"]
    docker = {"DOCKER_HOST", "DOCKER_TLS_CERTDIR", "DOCKER_TLS_VERIFY", "DOCKER_CERT_PATH", "DAGGER_LEAVE_OLD_ENGINE"}
    for name, job in dind_jobs.items():
        assert [(s["name"], s.get("alias")) for s in job["services"]] == [(dind_image, "docker")], name
        variables = job["variables"]
        assert variables["DOCKER_HOST"] == "tcp://docker:2376"
        assert variables["DOCKER_TLS_CERTDIR"] == "/certs"
        assert variables["DOCKER_CERT_PATH"] == "/certs/client"
        assert variables["DOCKER_TLS_VERIFY"] == "1"
        others = {key: value for key, value in variables.items() if key not in docker}
        assert others == {k: v for k, v in socket_jobs[name]["variables"].items() if k not in docker}, name
        same = {k: v for k, v in job.items() if k not in {"services", "variables", "rules"}}
        assert same == {k: v for k, v in socket_jobs[name].items() if k not in {"variables", "rules"}}, name


@pytest.mark.parametrize("ci_file", CI_FILES)
def test_versions_are_pinned(merged: dict[str, dict[str, Any]], ci_file: str) -> None:
    image = component_inputs()["image"]["default"]
    for name, job in jobs_of(merged[ci_file]).items():
        assert str(job["variables"]["DAGGER_VERSION"]) == dagger_json_version(), name
        assert job["variables"]["DAGGER_INSTALL_DIR"] == "/usr/local/bin", name
        assert job["image"]["name"] == image, f"{name}: the component's pinned default"
        install = job["before_script"][0].splitlines()[0]
        assert install == """sh -s -- "${DAGGER_VERSION}" "${DAGGER_INSTALL_DIR}" <<'INSTALL_DAGGER'""", name
        assert job["before_script"][1:] == ["dagger version"], name


@pytest.mark.parametrize("ci_file", CI_FILES)
def test_dagger_environment(merged: dict[str, dict[str, Any]], ci_file: str) -> None:
    for name, job in jobs_of(merged[ci_file]).items():
        variables = job["variables"]
        assert variables["DAGGER_NO_NAG"] == "1", name
        assert variables["DAGGER_PROGRESS"] == "plain", name
        assert "DAGGER_CLOUD_TOKEN" not in variables, "a secret belongs in the project's masked variables"
        assert job["interruptible"] is True, name
    assert "DAGGER_CLOUD_TOKEN" not in str(merged[ci_file])


@pytest.mark.parametrize("ci_file", CI_FILES)
@pytest.mark.parametrize("job_name", [REPORT, RUN_ALL_JOB])
def test_the_reports_are_published_always(merged: dict[str, dict[str, Any]], ci_file: str, job_name: str) -> None:
    """Both jobs that export the reports publish them also when the job fails: then the findings matter."""
    job = jobs_of(merged[ci_file])[job_name]
    assert dagger_calls(job["script"])[0][-len(REPORT_EXPORT) :] == REPORT_EXPORT
    assert job["artifacts"]["when"] == "always"
    assert job["artifacts"]["paths"] == ["reports/"]
    assert job["artifacts"]["reports"] == {
        "codequality": "reports/gl-code-quality-report.json",
        "junit": "reports/junit.xml",
    }


@pytest.mark.parametrize("ci_file", CI_FILES)
def test_the_report_job_waits_for_the_checks_and_runs_when_one_failed(
    merged: dict[str, dict[str, Any]], ci_file: str
) -> None:
    report = jobs_of(merged[ci_file])[REPORT]
    assert sorted(need["job"] if isinstance(need, dict) else need for need in report["needs"]) == sorted(CHECK_JOBS)
    assert [rule.get("when") for rule in report["rules"]] == ["always"]
    assert "allow_failure" not in report or report["allow_failure"] is False, "it fails only when it cannot export"


# ------------------------------------------------ which jobs each pipeline runs --


@pytest.mark.parametrize(("ci_file", "mode_jobs"), [(SOCKET_FILE, PARALLEL), (DIND_FILE, RUN_ALL)])
@pytest.mark.parametrize(
    ("source", "runs"),
    [(MERGE_REQUEST, True), (DEFAULT_BRANCH, True), (OTHER_BRANCH, False), (OTHER_BRANCH_WITH_MR, False)],
    ids=["merge-request", "default-branch", "other-branch", "other-branch-with-open-mr"],
)
def test_jobs_per_pipeline_source(
    pipeline: Pipeline, ci_file: str, mode_jobs: set[str], source: dict[str, str | None], runs: bool
) -> None:
    """Merge requests and the default branch get a pipeline, other branches none (with an MR, no duplicate);
    socket binding runs in parallel mode, DinD in run-all mode (one job, one cold engine)."""
    assert pipeline.pipeline_jobs(ci_file, source) == (mode_jobs if runs else set())


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
    f"{PREFIX}lint": [*CALL, "lint"],
    f"{PREFIX}format": [*CALL, "format"],
    f"{PREFIX}mypy": [*CALL, "mypy"],
    f"{PREFIX}ruff": [*CALL, "ruff"],
    REPORT: [*CALL, *REPORT_EXPORT],
    RUN_ALL_JOB: [*CALL, *REPORT_EXPORT],
}


@pytest.mark.parametrize("ci_file", CI_FILES)
@pytest.mark.parametrize("job", list(JOB_CALLS))
def test_each_job_runs_its_script_end_to_end(
    pipeline: Pipeline, summaries: dict[str, Summary], ci_file: str, job: str
) -> None:
    """One job at a time: the verified install into a temporary folder, then its exact dagger command."""
    done = pipeline.execute(runnable(pipeline, ci_file), [job], env={"FAKE_SUMMARY": str(summaries["passed"].path)})
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert f"dagger_v{dagger_json_version()}_linux_{machine_arch()}.tar.gz: OK" in output, "sha256sum -c ran"
    assert (pipeline.bin / "dagger").is_file(), "installed into DAGGER_INSTALL_DIR"
    assert recorded(pipeline) == [["dagger", "version"], JOB_CALLS[job]]
    assert job_results(done) == {job: "passed"}


@pytest.mark.parametrize(("ci_file", "job"), [(SOCKET_FILE, REPORT), (DIND_FILE, RUN_ALL_JOB)])
def test_reports_are_left_as_artifacts(
    pipeline: Pipeline, summaries: dict[str, Summary], ci_file: str, job: str
) -> None:
    done = pipeline.execute(runnable(pipeline, ci_file), [job], env={"FAKE_SUMMARY": str(summaries["passed"].path)})
    assert done.returncode == 0, done.stdout + done.stderr
    artifacts = pipeline.repo / ".gitlab-ci-local" / "artifacts" / job / "reports"
    assert sorted(path.name for path in artifacts.iterdir()) == [
        "gl-code-quality-report.json",
        "junit.xml",
        "summary.txt",
    ]


def test_the_report_job_runs_when_a_check_fails(pipeline: Pipeline, summaries: dict[str, Summary]) -> None:
    """The whole parallel pipeline, one check failing: the pipeline fails and the report job still runs."""
    env = {"FAKE_DAGGER_FAIL": "lint", "FAKE_SUMMARY": str(summaries["findings"].path)}
    done = pipeline.execute(SOCKET_FILE, [], env=env)
    assert done.returncode != 0, "a failed check fails the pipeline"
    functions = [called_function(words) for words in recorded(pipeline) if "call" in words]
    assert sorted(functions[:-1]) == ["format", "lint", "mypy", "ruff"] and functions[-1] == "report"
    assert job_results(done) == {**dict.fromkeys(PARALLEL, "passed"), f"{PREFIX}lint": "FAIL 1"}
    assert (pipeline.repo / ".gitlab-ci-local" / "artifacts" / REPORT / "reports" / "junit.xml").is_file()


def test_run_all_mode_runs_the_tools_once(pipeline: Pipeline, summaries: dict[str, Summary]) -> None:
    """The whole DinD pipeline: one job, one `dagger call`, which exports the reports: no second run."""
    done = pipeline.execute(runnable(pipeline, DIND_FILE), [], env={"FAKE_SUMMARY": str(summaries["passed"].path)})
    assert done.returncode == 0, done.stdout + done.stderr
    assert recorded(pipeline) == [["dagger", "version"], JOB_CALLS[RUN_ALL_JOB]]
    assert job_results(done) == {RUN_ALL_JOB: "passed"}


@pytest.mark.parametrize("outcome", OUTCOMES)
def test_the_run_all_job_ends_as_the_gate_did(pipeline: Pipeline, summaries: dict[str, Summary], outcome: str) -> None:
    """Its exit code is the local runner's for the same run (0, 1 findings, 2 could not run), read from the
    verdict that ends the exported summary; the summary is in the job's log."""
    summary = summaries[outcome]
    assert summary.exit_code == {"passed": 0, "findings": 1, "could-not-run": 2}[outcome], "the oracle itself"
    done = pipeline.execute(runnable(pipeline, DIND_FILE), [RUN_ALL_JOB], env={"FAKE_SUMMARY": str(summary.path)})
    expected = "passed" if summary.exit_code == 0 else f"FAIL {summary.exit_code}"
    assert job_results(done) == {RUN_ALL_JOB: expected}, done.stdout + done.stderr
    assert verdict(summary) in done.stdout


@pytest.mark.parametrize("code", [1, 2])
def test_the_run_all_job_keeps_a_failed_calls_exit_code(pipeline: Pipeline, code: int) -> None:
    """`dagger call` failing (2: wrong input, 1: Dagger's own error) ends the job with that code, no summary read."""
    env = {"FAKE_DAGGER_FAIL": "report", "FAKE_DAGGER_EXIT": str(code)}
    done = pipeline.execute(runnable(pipeline, DIND_FILE), [RUN_ALL_JOB], env=env)
    assert job_results(done) == {RUN_ALL_JOB: f"FAIL {code}"}, done.stdout + done.stderr
    assert "no reports/summary.txt" not in done.stdout + done.stderr


def test_the_run_all_job_refuses_a_summary_without_verdict(pipeline: Pipeline, tmp_path: Path) -> None:
    """The control for the verdict: a summary whose last line is not one fails the job as could not run."""
    cut = tmp_path / "summary.txt"
    cut.write_text("tool    verdict  findings  seconds\nruff    failed   2         0.13\n", encoding="utf-8")
    done = pipeline.execute(runnable(pipeline, DIND_FILE), [RUN_ALL_JOB], env={"FAKE_SUMMARY": str(cut)})
    assert job_results(done) == {RUN_ALL_JOB: "FAIL 2"}
    assert "no verdict on the last line of reports/summary.txt" in done.stdout + done.stderr
    missing = pipeline.execute(runnable(pipeline, DIND_FILE), [RUN_ALL_JOB])
    assert job_results(missing) == {RUN_ALL_JOB: "FAIL 2"}
    assert "no reports/summary.txt in what report exported" in missing.stdout + missing.stderr


def test_a_long_summary_is_cut_in_the_log_not_in_the_verdict(
    pipeline: Pipeline, summaries: dict[str, Summary], tmp_path: Path
) -> None:
    """Past 1 MB the log shows the summary's head and its last lines (the table and the verdict)."""
    lines = summaries["findings"].path.read_text(encoding="utf-8").splitlines(keepends=True)
    long = tmp_path / "summary.txt"
    long.write_text("".join([lines[0], *[f"src/paths.py:{n}:1: I001 planted\n" for n in range(40_000)], *lines]))
    assert long.stat().st_size > 1_000_000
    done = pipeline.execute(runnable(pipeline, DIND_FILE), [RUN_ALL_JOB], env={"FAKE_SUMMARY": str(long)})
    assert job_results(done) == {RUN_ALL_JOB: "FAIL 1"}
    assert "[... cut here: the whole summary is reports/summary.txt in the job artifacts ...]" in done.stdout
    assert "src/paths.py:35000:1" not in done.stdout, "the middle is left out"
    assert verdict(summaries["findings"]) in done.stdout.split("cut here", 1)[1], "the last lines follow the cut"


def test_gitlab_ci_local_writes_only_in_the_copy(pipeline: Pipeline) -> None:
    pipeline.execute(SOCKET_FILE, [f"{PREFIX}ruff"])
    assert (pipeline.repo / ".gitlab-ci-local").is_dir()
    assert not (REPO / ".gitlab-ci-local").exists()
