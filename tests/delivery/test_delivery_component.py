"""The GitLab CI/CD component (templates/quality-gate.yml): its spec, its jobs, and a user's project that includes it.

The template is two YAML documents, the `spec:` header and the jobs; check-jsonschema takes one document per
file, so each is checked alone against GitLab's schema (which has a `spec` property for the header). The
user's project is a temporary git repository with only its own code and a .gitlab-ci.yml that includes the
component by version from another project on the same GitLab: gitlab-ci-local fetches the template there at
that tag (`git archive --remote` over ssh, here a stand-in ssh that serves a git copy of this repository),
interpolates the inputs and runs every job's script with the shell executor and the recording CLI.
"""

# Test names say what each test proves; pytest fixtures arrive as parameters named like the fixture.
# pylint: disable=missing-function-docstring,redefined-outer-name

from __future__ import annotations

import shlex
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from _delivery import (
    COMPONENT,
    DOCUMENT_SEPARATOR,
    component_documents,
    component_inputs,
    dagger_json_version,
    fake_release,
    tool,
)
from _pipeline import (
    RECORDING_DAGGER,
    Pipeline,
    commit_all,
    copy_of_the_project,
    git,
    job_results,
    machine_arch,
    require_tools,
)
from _summaries import Summary, write_summary
from helpers.paths import REPO
from quality_gate.functions import single
from ruamel.yaml import YAML

INPUTS = {
    "module": "string",
    "mode": "string",
    "docker": "string",
    "stage": "string",
    "source": "string",
    "config": "string",
    "incremental": "boolean",
    "allow_findings": "boolean",
    "dagger_version": "string",
    "image": "string",
    "dind_image": "string",
    "job_prefix": "string",
}
# What an included file may not set for the project that includes it.
GLOBAL_KEYWORDS = {"stages", "variables", "default", "workflow", "include", "image", "services", "cache"}
GLOBAL_KEYWORDS |= {"before_script", "after_script"}
CHECKS = tuple(single())

# The component's project and version, as a user's project names them.
COMPONENT_PROJECT, VERSION = "tools/quality-gate", "1.0.0"
USER_ORIGIN = "git@gitlab.example.com:acme/shop.git"
MODULE = f"gitlab.example.com/{COMPONENT_PROJECT}@{VERSION}"
USER_CI = f"""\
include:
  - component: $CI_SERVER_FQDN/{COMPONENT_PROJECT}/quality-gate@{VERSION}
    inputs:
      module: $CI_SERVER_FQDN/{COMPONENT_PROJECT}@{VERSION}
      source: app

# The shop's own job, named like one of the gate's checks.
lint:
  stage: test
  script:
    - echo "the shop's own lint"
"""
# Every input given, none at its default (another dagger version, with a fake release of its own).
OTHER_VERSION = "0.22.0"
EVERY_INPUT_CI = f"""\
stages: [build, quality]

include:
  - component: $CI_SERVER_FQDN/{COMPONENT_PROJECT}/quality-gate@{VERSION}
    inputs:
      module: gitlab.example.com/{COMPONENT_PROJECT}.git@{VERSION}
      mode: run-all
      docker: dind
      stage: quality
      source: app
      config: ci/quality
      incremental: false
      allow_findings: true
      dagger_version: {OTHER_VERSION}
      image: registry.example.com/mirror/docker:cli
      dind_image: registry.example.com/mirror/docker:dind
      job_prefix: "qg:"
"""
WITHOUT_MODULE_CI = f"""\
include:
  - component: $CI_SERVER_FQDN/{COMPONENT_PROJECT}/quality-gate@{VERSION}
"""
USER_FILES = {
    "app/shop/__init__.py": '"""The shop."""\n',
    "app/shop/cart.py": '"""The cart."""\n\n\ndef total(prices: list[int]) -> int:\n    """All of it."""\n'
    "    return sum(prices)\n",
    ".gitlab-ci.yml": USER_CI,
    "ci/every-input.yml": EVERY_INPUT_CI,
    "ci/without-module.yml": WITHOUT_MODULE_CI,
}
PREFIX = "quality-gate-"
USER_CALL = [
    *("dagger", "-m", MODULE, "call", "--workspace=.", "--source-path", "app", "--config-path", ".config"),
    *("--incremental=true", "--project", "acme/shop"),
]
REPORT_EXPORT = ["report", "export", "--path=reports"]


@pytest.fixture(scope="module")
def user(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pipeline]:
    """The user's project, and the component's project (a git copy of this repository tagged 1.0.0) on the host."""
    require_tools()
    root = tmp_path_factory.mktemp("user")
    component_project = copy_of_the_project(root / "host" / f"{COMPONENT_PROJECT}.git")
    commit_all(component_project, f"git@gitlab.example.com:{COMPONENT_PROJECT}.git")
    git(component_project, "tag", VERSION)
    pipeline = Pipeline(root / "shop", files=USER_FILES, origin=USER_ORIGIN, git_host=root / "host")
    fake_release(pipeline.releases, OTHER_VERSION, machine_arch(), dagger=RECORDING_DAGGER)
    yield pipeline


@pytest.fixture(scope="module")
def summaries(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Summary]:
    base = tmp_path_factory.mktemp("summaries")
    return {outcome: write_summary(base, outcome) for outcome in ("passed", "findings", "could-not-run")}


def jobs_of(config: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {name: job for name, job in config.items() if name not in GLOBAL_KEYWORDS and not name.startswith(".")}


def recorded(pipeline: Pipeline) -> list[list[str]]:
    return [["dagger", *shlex.split(line)] for line in pipeline.dagger_calls()]


def check_jsonschema(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [tool("check-jsonschema"), "--builtin-schema", "vendor.gitlab-ci", "--data-transform", "gitlab-ci", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )


# --------------------------------------------------------------- the template --


def test_the_template_is_a_spec_header_then_jobs() -> None:
    header, jobs = (YAML(typ="safe", pure=True).load(text) for text in component_documents())
    assert set(header) == {"spec"}
    assert set(header["spec"]) == {"description", "inputs"}
    assert len(header["spec"]["description"]) <= 256, "the CI/CD Catalog's limit"
    assert not set(jobs) & GLOBAL_KEYWORDS, "a component sets nothing for the whole pipeline"
    prefixed = [name.lstrip(".").startswith("$[[ inputs.job_prefix ]]") for name in jobs]
    assert all(prefixed), [name for name in jobs if not name.lstrip(".").startswith("$[[ inputs.job_prefix ]]")]


def test_each_document_passes_gitlab_schema(tmp_path: Path) -> None:
    """check-jsonschema reads one document per file: the header and the jobs each in a file of their own."""
    for name, text in zip(("header.yml", "jobs.yml"), component_documents(), strict=True):
        (tmp_path / name).write_text(text, encoding="utf-8")
        result = check_jsonschema(tmp_path / name)
        assert result.returncode == 0, f"{name}: {result.stdout}{result.stderr}"


def test_the_schema_check_sees_a_wrong_header(tmp_path: Path) -> None:
    """The control: the same check fails an input of a type GitLab does not know."""
    header = component_documents()[0].replace("type: boolean", "type: yes-or-no", 1)
    (tmp_path / "header.yml").write_text(header, encoding="utf-8")
    assert check_jsonschema(tmp_path / "header.yml").returncode != 0


def test_the_two_documents_are_the_whole_template() -> None:
    header, jobs = component_documents()
    assert header.rstrip("\n") + DOCUMENT_SEPARATOR + jobs == COMPONENT.read_text(encoding="utf-8")


def test_every_input_is_typed_described_and_valid() -> None:
    inputs = component_inputs()
    assert {name: spec["type"] for name, spec in inputs.items()} == INPUTS
    python_type = {"string": str, "boolean": bool}
    for name, spec in inputs.items():
        assert spec["description"].strip(), name
        if name == "module":
            assert "default" not in spec, "required: a user's project names the module's repository and version"
            continue
        assert isinstance(spec["default"], python_type[spec["type"]]), name
        if "options" in spec:
            assert spec["default"] in spec["options"], name
    assert inputs["mode"]["options"] == ["parallel", "run-all"]
    assert inputs["docker"]["options"] == ["socket", "dind"]


def test_the_default_dagger_version_is_the_modules_engine_version() -> None:
    assert component_inputs()["dagger_version"]["default"] == dagger_json_version()


def test_the_installer_is_the_repositorys_byte_for_byte() -> None:
    """The component carries .docker/install-dagger.sh (it cannot read a file of its project in a user's job)."""
    jobs: dict[str, Any] = YAML(typ="safe", pure=True).load(component_documents()[1])
    entry = jobs[".$[[ inputs.job_prefix ]]dagger"]["before_script"][0]
    first, _, rest = entry.partition("\n")
    assert first == """sh -s -- "${DAGGER_VERSION}" "${DAGGER_INSTALL_DIR}" <<'INSTALL_DAGGER'"""
    body, end, after = rest.rpartition("INSTALL_DAGGER\n")
    assert end and not after, "the here-document ends the entry"
    installer = (REPO / ".docker" / "install-dagger.sh").read_text(encoding="utf-8")
    assert (
        body == installer
    ), "copy .docker/install-dagger.sh into the here-document of templates/quality-gate.yml (indented by 6)"


# ---------------------------------------------------- a user's project includes it --


def test_the_user_project_has_none_of_the_gates_files(user: Pipeline) -> None:
    tracked = subprocess.run(["git", "ls-files"], cwd=user.repo, capture_output=True, text=True, check=True)
    assert sorted(tracked.stdout.split()) == sorted(USER_FILES)


def test_the_component_is_fetched_from_its_project_at_the_version(user: Pipeline) -> None:
    user.run("--list")
    fetched = user.repo / ".gitlab-ci-local" / "includes" / "gitlab.example.com" / COMPONENT_PROJECT / VERSION
    assert (fetched / "templates" / "quality-gate.yml").read_bytes() == COMPONENT.read_bytes()


def test_the_gates_jobs_sit_beside_the_projects_own(user: Pipeline) -> None:
    """Every job of the gate carries the prefix: the shop's own `lint` stays the shop's."""
    assert user.jobs_listed(".gitlab-ci.yml", {}) == {*(f"{PREFIX}{c}" for c in CHECKS), f"{PREFIX}report", "lint"}
    config = user.preview(".gitlab-ci.yml")
    assert config["lint"]["script"] == ['echo "the shop\'s own lint"']
    assert "image" not in config["lint"] and "before_script" not in config["lint"]


def test_the_merged_user_pipeline_passes_gitlab_schema(user: Pipeline, tmp_path: Path) -> None:
    for ci_file in (".gitlab-ci.yml", "ci/every-input.yml"):
        target = tmp_path / "merged.yml"
        with target.open("w", encoding="utf-8") as stream:
            YAML(typ="safe", pure=True).dump(user.preview(ci_file), stream)
        result = check_jsonschema(target)
        assert result.returncode == 0, f"{ci_file}: {result.stdout}{result.stderr}"


@pytest.mark.parametrize("ci_file", [".gitlab-ci.yml", "ci/every-input.yml"])
def test_every_job_script_passes_shellcheck(user: Pipeline, ci_file: str, tmp_path: Path) -> None:
    """Each job's before_script and script, as the runner runs them one after the other in one shell, with the
    job's variables and GitLab's CI_PROJECT_PATH in the environment (a variable used but not set is an error)."""
    for name, job in jobs_of(user.preview(ci_file)).items():
        if "before_script" not in job:
            continue  # the shop's own job
        variables = {**job["variables"], "CI_PROJECT_PATH": "acme/shop"}  # values as GitLab expands them:
        expanded = {
            key: str(value).replace("$CI_SERVER_FQDN", "gitlab.example.com") for key, value in variables.items()
        }
        environment = [f"export {key}={shlex.quote(value)}" for key, value in expanded.items()]
        script = tmp_path / f"{name.replace(':', '-')}.sh"
        lines = ["#!/bin/sh", *environment, *job["before_script"], *job["script"]]
        script.write_text("\n".join(lines) + "\n", encoding="utf-8")
        result = subprocess.run(
            [tool("shellcheck"), "--shell=sh", "--enable=all", str(script)], capture_output=True, text=True, check=False
        )
        assert result.returncode == 0, f"{ci_file} {name}: {result.stdout}{result.stderr}"


USER_JOB_CALLS = {
    **{f"{PREFIX}{check}": [*USER_CALL, check] for check in CHECKS},
    f"{PREFIX}report": [*USER_CALL, *REPORT_EXPORT],
}


@pytest.mark.parametrize("job", list(USER_JOB_CALLS))
def test_every_job_calls_the_remote_module_on_the_checkout(user: Pipeline, job: str) -> None:
    """The installer from the component (no file of this repository in the project), then `dagger -m <the module's
    repository>@<version> call --workspace=.`: the shop's directory is what the module checks."""
    done = user.execute(".gitlab-ci.yml", [job])
    output = done.stdout + done.stderr
    assert job_results(done) == {job: "passed"}, output
    assert f"dagger_v{dagger_json_version()}_linux_{machine_arch()}.tar.gz: OK" in output, "sha256sum -c ran"
    assert recorded(user) == [["dagger", "version"], USER_JOB_CALLS[job]]


def test_a_tampered_release_stops_the_job_before_any_dagger_call(user: Pipeline, tmp_path: Path) -> None:
    fake_release(tmp_path, dagger_json_version(), machine_arch(), tamper=True, dagger=RECORDING_DAGGER)
    done = user.execute(".gitlab-ci.yml", [f"{PREFIX}lint"], releases=tmp_path)
    assert job_results(done) == {f"{PREFIX}lint": "FAIL 1"}
    assert "FAILED" in done.stdout + done.stderr, "sha256sum -c said it"
    assert recorded(user) == []


def every_input_runnable(user: Pipeline) -> str:
    """ci/every-input.yml merged, without its DinD service (a container: gitlab-ci-local would start Docker)."""
    config = user.preview("ci/every-input.yml")
    for job in jobs_of(config).values():
        job.pop("services", None)
    target = user.repo / ".gitlab-ci-local-every-input-without-services.yml"
    with target.open("w", encoding="utf-8") as stream:
        YAML(typ="safe", pure=True).dump(config, stream)
    return target.name


def test_every_input_given(user: Pipeline) -> None:
    """No input at its default: each one shows where it should."""
    assert user.jobs_listed("ci/every-input.yml", {}) == {"qg:run-all"}, "mode run-all: one job"
    config = user.preview("ci/every-input.yml")
    jobs = jobs_of(config)
    assert set(jobs) == {f"qg:{name}" for name in (*CHECKS, "report", "run-all")}
    run_all = jobs["qg:run-all"]
    assert run_all["stage"] == "quality" and "quality" in config["stages"]
    assert run_all["image"]["name"] == "registry.example.com/mirror/docker:cli"
    assert [(s["name"], s["alias"]) for s in run_all["services"]] == [
        ("registry.example.com/mirror/docker:dind", "docker")
    ]
    assert run_all["variables"]["DOCKER_HOST"] == "tcp://docker:2376"
    assert run_all["allow_failure"] == {"exit_codes": [1]}, "findings allowed, a tool that could not run not"
    assert str(run_all["variables"]["DAGGER_VERSION"]) == OTHER_VERSION
    assert run_all["variables"]["QG_CONFIG"] == "ci/quality"


@pytest.mark.parametrize(
    ("outcome", "ended"), [("passed", "passed"), ("findings", "WARN 1"), ("could-not-run", "FAIL 2")]
)
def test_every_input_given_runs_as_told(
    user: Pipeline, summaries: dict[str, Summary], outcome: str, ended: str
) -> None:
    """The other CLI version installed and verified, the call with every value given, and allow_findings:
    findings let the job pass with a warning, a tool that could not run still fails it."""
    done = user.execute(every_input_runnable(user), ["qg:run-all"], env={"FAKE_SUMMARY": str(summaries[outcome].path)})
    output = done.stdout + done.stderr
    assert job_results(done) == {"qg:run-all": ended}, output
    assert f"dagger_v{OTHER_VERSION}_linux_{machine_arch()}.tar.gz: OK" in output
    module = f"gitlab.example.com/{COMPONENT_PROJECT}.git@{VERSION}"
    assert recorded(user) == [
        ["dagger", "version"],
        [
            *("dagger", "-m", module, "call", "--workspace=.", "--source-path", "app", "--config-path", "ci/quality"),
            *("--incremental=false", "--project", "acme/shop", *REPORT_EXPORT),
        ],
    ]


def test_the_module_input_is_required(user: Pipeline) -> None:
    """Without `module`, no pipeline: GitLab (here gitlab-ci-local) says which input is missing."""
    done = user.run("--file", "ci/without-module.yml", "--list", check=False)
    assert done.returncode != 0
    assert "`module` input: required value has not been provided" in done.stdout + done.stderr
