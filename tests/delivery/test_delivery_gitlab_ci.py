"""The GitLab CI files: GitLab's schema, then what the schema cannot see.

check-jsonschema validates structure only: a `stage`, `extends` or `needs` naming nothing,
an undefined variable, a job calling a function the module does not have, or a DinD
service beside socket binding all pass it. Those are checked here, on the configuration
as GitLab would assemble it (local includes merged, `extends` resolved), and the rules are
evaluated to see which jobs each mode runs.
"""

# Test names say what each test proves.
# pylint: disable=missing-function-docstring

from __future__ import annotations

import re
import shlex
import subprocess
from pathlib import Path
from typing import Any

import pytest
from _delivery import REPO, dagger_json_version, registered_functions, tool
from ruamel.yaml import YAML

SOCKET_FILE = REPO / ".gitlab-ci.yml"
DIND_FILE = REPO / ".docker" / "gitlab-ci-dind.yml"
CI_FILES = [SOCKET_FILE, DIND_FILE]
IDS = [str(path.relative_to(REPO)) for path in CI_FILES]

# Top-level keywords that are not jobs.
RESERVED = {"default", "include", "stages", "variables", "workflow", "image", "services", "cache", "spec"}
RESERVED |= {"before_script", "after_script"}
DEFAULT_STAGES = [".pre", "build", "test", "deploy", ".post"]
# GitLab's predefined variables that these files may use (a misspelt CI_* name is an error).
PREDEFINED = {
    "CI_COMMIT_BRANCH",
    "CI_COMMIT_TAG",
    "CI_DEFAULT_BRANCH",
    "CI_JOB_NAME",
    "CI_MERGE_REQUEST_IID",
    "CI_OPEN_MERGE_REQUESTS",
    "CI_PIPELINE_SOURCE",
    "CI_PROJECT_DIR",
}
CHECK_JOBS = {"lint", "format", "mypy", "ruff"}
VARIABLE_REF = re.compile(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?")


# ------------------------------------------------------------ assembling --


def load_yaml(path: Path) -> dict[str, Any]:
    data = YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict), path
    return data


def deep_merge(base: Any, override: Any) -> Any:
    """GitLab's merge for include and extends: hashes merge key by key, anything else is replaced."""
    if isinstance(base, dict) and isinstance(override, dict):
        merged = dict(base)
        for key, value in override.items():
            merged[key] = deep_merge(base[key], value) if key in base else value
        return merged
    return override


def as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def assemble(path: Path) -> dict[str, Any]:
    """The file with its local includes merged under it (the including file wins)."""
    config = load_yaml(path)
    merged: dict[str, Any] = {}
    for entry in as_list(config.pop("include", None)):
        local = entry if isinstance(entry, str) else entry["local"]
        included = REPO / str(local).lstrip("/")
        assert included.is_file(), f"{path.name} includes {local}, which does not exist"
        merged = deep_merge(merged, assemble(included))
    result: dict[str, Any] = deep_merge(merged, config)
    return result


def job_names(config: dict[str, Any]) -> list[str]:
    return [name for name in config if name not in RESERVED]


def resolve(config: dict[str, Any], name: str, seen: tuple[str, ...] = ()) -> dict[str, Any]:
    """A job with its `extends` chain merged in, in order, the job itself last."""
    assert name not in seen, f"extends cycle: {' -> '.join((*seen, name))}"
    job = config[name]
    resolved: dict[str, Any] = {}
    for parent in as_list(job.get("extends")):
        assert parent in config, f"{name} extends {parent!r}, which is not defined"
        resolved = deep_merge(resolved, resolve(config, parent, (*seen, name)))
    resolved = deep_merge(resolved, {k: v for k, v in job.items() if k != "extends"})
    return resolved


def visible_jobs(config: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {name: resolve(config, name) for name in job_names(config) if not name.startswith(".")}


def strings(value: Any) -> list[str]:
    """Every string inside a YAML value, keys included."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for key, item in value.items() for s in [*strings(key), *strings(item)]]
    if isinstance(value, list):
        return [s for item in value for s in strings(item)]
    return []


# ------------------------------------------------------- evaluating rules --

TOKEN = re.compile(r'\s*(\$[A-Za-z_][A-Za-z0-9_]*|"[^"]*"|\'[^\']*\'|==|!=|&&|\|\||\(|\))')


def tokenize(expression: str) -> list[str]:
    """The tokens of a `rules:if` expression."""
    tokens: list[str] = []
    position = 0
    while position < len(expression.rstrip()):
        match = TOKEN.match(expression, position)
        assert match, f"cannot read {expression!r} at {position}"
        tokens.append(match.group(1))
        position = match.end()
    return tokens


def evaluate(expression: str, variables: dict[str, str]) -> bool:
    """GitLab `rules:if` for what these files use: $VAR, "strings", ==, !=, &&, ||, parentheses."""
    tokens = tokenize(expression)

    def value(token: str) -> str | None:
        if token.startswith("$"):
            return variables.get(token[1:])
        return token[1:-1]

    def primary(index: int) -> tuple[bool, int]:
        if tokens[index] == "(":
            result, index = disjunction(index + 1)
            assert tokens[index] == ")"
            return result, index + 1
        left = value(tokens[index])
        if index + 1 < len(tokens) and tokens[index + 1] in {"==", "!="}:
            right = value(tokens[index + 2])
            equal = left == right
            return (equal if tokens[index + 1] == "==" else not equal), index + 3
        return bool(left), index + 1

    def conjunction(index: int) -> tuple[bool, int]:
        result, index = primary(index)
        while index < len(tokens) and tokens[index] == "&&":
            right, index = primary(index + 1)
            result = result and right
        return result, index

    def disjunction(index: int) -> tuple[bool, int]:
        result, index = conjunction(index)
        while index < len(tokens) and tokens[index] == "||":
            right, index = conjunction(index + 1)
            result = result or right
        return result, index

    result, end = disjunction(0)
    assert end == len(tokens), f"trailing tokens in {expression!r}"
    return result


def rules_allow(rules: list[dict[str, Any]] | None, variables: dict[str, str]) -> bool:
    """First matching rule decides; no rules means run; rules but no match means skip."""
    if rules is None:
        return True
    for rule in rules:
        if "if" not in rule or evaluate(str(rule["if"]), variables):
            return str(rule.get("when", "on_success")) != "never"
    return False


def pipeline_variables(config: dict[str, Any], **overrides: str) -> dict[str, str]:
    variables: dict[str, str] = {}
    for name, spec in (config.get("variables") or {}).items():
        variables[name] = str(spec["value"] if isinstance(spec, dict) else spec)
    variables.update(overrides)
    return variables


MERGE_REQUEST = {"CI_PIPELINE_SOURCE": "merge_request_event", "CI_DEFAULT_BRANCH": "main"}


def jobs_that_run(config: dict[str, Any], **overrides: str) -> set[str]:
    variables = pipeline_variables(config, **overrides)
    if not rules_allow(config.get("workflow", {}).get("rules"), variables):
        return set()
    return {name for name, job in visible_jobs(config).items() if rules_allow(job.get("rules"), variables)}


# ------------------------------------------------------------------ tests --


@pytest.mark.parametrize("path", CI_FILES, ids=IDS)
def test_gitlab_schema(path: Path) -> None:
    result = subprocess.run(
        [tool("check-jsonschema"), "--builtin-schema", "vendor.gitlab-ci", "--data-transform", "gitlab-ci", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("path", CI_FILES, ids=IDS)
def test_extends_stage_and_needs_name_what_exists(path: Path) -> None:
    config = assemble(path)
    stages = config.get("stages", DEFAULT_STAGES)
    stages = [*stages, ".pre", ".post"]
    jobs = visible_jobs(config)  # resolving checks every `extends`
    assert jobs
    for name in job_names(config):
        if not name.startswith("."):
            continue
        resolve(config, name)
    for name, job in jobs.items():
        assert job.get("stage", "test") in stages, f"{name}: stage {job.get('stage')!r} is not in {stages}"
        for need in as_list(job.get("needs")):
            needed = need if isinstance(need, str) else need["job"]
            assert needed in jobs, f"{name} needs {needed!r}, which is not a job"
        for dependency in as_list(job.get("dependencies")):
            assert dependency in jobs, f"{name} depends on {dependency!r}, which is not a job"


def dagger_calls(script: list[str]) -> list[list[str]]:
    """The `dagger call ...` command lines of a script, split as the shell would."""
    return [words for line in script if (words := shlex.split(line))[:2] == ["dagger", "call"]]


def called_function(words: list[str]) -> str:
    """The function a `dagger call` line calls: the first word after the call's options."""
    takes_value = {"--source-path", "--config-path", "-m", "--mod", "--progress"}
    index = 2
    while index < len(words) and words[index].startswith("-"):
        option = words[index]
        index += 2 if option in takes_value and "=" not in option else 1
    assert index < len(words), f"no function in {words}"
    return words[index]


@pytest.mark.parametrize("path", CI_FILES, ids=IDS)
def test_each_job_calls_a_function_the_module_registers(path: Path) -> None:
    registered = registered_functions()
    for name, job in visible_jobs(assemble(path)).items():
        calls = dagger_calls(as_list(job.get("script")))
        assert calls, f"{name} calls no dagger function"
        for words in calls:
            function = called_function(words)
            assert function in registered, f"{name} calls {function!r}; the module has {sorted(registered)}"
            arguments = ["--source-path", "$QG_SOURCE", "--config-path", "$QG_CONFIG"]
            assert words[2:6] == arguments, words


@pytest.mark.parametrize("path", CI_FILES, ids=IDS)
def test_no_undefined_variable(path: Path) -> None:
    config = assemble(path)
    global_names = set((config.get("variables") or {}).keys())
    used_in_workflow = {m for s in strings(config.get("workflow")) for m in VARIABLE_REF.findall(s)}
    assert used_in_workflow <= global_names | PREDEFINED, used_in_workflow - global_names - PREDEFINED
    for name, job in visible_jobs(config).items():
        defined = global_names | set((job.get("variables") or {}).keys()) | PREDEFINED
        used = {m for s in strings(job) for m in VARIABLE_REF.findall(s)}
        assert used <= defined, f"{name} uses undefined {sorted(used - defined)}"


def test_socket_binding_has_no_dind() -> None:
    """Socket binding alone: no docker:dind service anywhere, DOCKER_HOST is the mounted socket."""
    text = SOCKET_FILE.read_text(encoding="utf-8")
    config = assemble(SOCKET_FILE)
    assert "services" not in config
    assert "dind" not in " ".join(s for s in strings(config) if not s.startswith("#"))
    for name, job in visible_jobs(config).items():
        assert "services" not in job, name
        assert job["variables"]["DOCKER_HOST"] == "unix:///var/run/docker.sock", name
        assert "DOCKER_TLS_CERTDIR" not in job["variables"], name
    assert "DOCKER_VERSION" not in text, "the tutorial's undefined variable"


def test_socket_binding_leaves_other_versions_engines_alone() -> None:
    """On a shared Docker, a CLI of another version must not remove this project's engine, nor ours theirs."""
    for name, job in visible_jobs(assemble(SOCKET_FILE)).items():
        assert job["variables"]["DAGGER_LEAVE_OLD_ENGINE"] == "1", name
    for name, job in visible_jobs(assemble(DIND_FILE)).items():
        assert job["variables"]["DAGGER_LEAVE_OLD_ENGINE"] == "0", f"{name}: a fresh daemon per job, the default"


def test_dind_variant_swaps_only_the_docker_connection() -> None:
    socket_jobs = visible_jobs(assemble(SOCKET_FILE))
    dind_jobs = visible_jobs(assemble(DIND_FILE))
    assert set(dind_jobs) == set(socket_jobs)
    for name, job in dind_jobs.items():
        services = [s if isinstance(s, str) else s["name"] for s in as_list(job.get("services"))]
        assert len(services) == 1, name
        assert re.fullmatch(r"docker:\d+\.\d+\.\d+-dind", services[0]), services
        aliases = [s.get("alias") for s in as_list(job.get("services")) if isinstance(s, dict)]
        assert aliases in ([], ["docker"]), aliases
        variables = job["variables"]
        assert variables["DOCKER_HOST"] == "tcp://docker:2376"
        assert variables["DOCKER_TLS_CERTDIR"] == "/certs"
        assert variables["DOCKER_CERT_PATH"] == "/certs/client"
        assert variables["DOCKER_TLS_VERIFY"] == "1"
        same = {k: v for k, v in job.items() if k not in {"services", "variables"}}
        assert same == {k: v for k, v in socket_jobs[name].items() if k != "variables"}, name


def dockerfile_arg(name: str) -> str:
    match = re.search(rf"^ARG {name}=(\S+)$", (REPO / ".docker" / "Dockerfile").read_text(encoding="utf-8"), re.M)
    assert match, name
    return match.group(1)


@pytest.mark.parametrize("path", CI_FILES, ids=IDS)
def test_versions_are_pinned(path: Path) -> None:
    config = assemble(path)
    assert config["variables"]["DAGGER_VERSION"] == dagger_json_version()
    docker_version = dockerfile_arg("DOCKER_CLI_VERSION")
    for name, job in visible_jobs(config).items():
        assert job["image"] == f"docker:{docker_version}-cli", name
        for service in as_list(job.get("services")):
            service_image = service if isinstance(service, str) else service["name"]
            assert service_image == f"docker:{docker_version}-dind", name
        install = job["before_script"][0]
        assert install == 'sh .docker/install-dagger.sh "$DAGGER_VERSION" "$DAGGER_INSTALL_DIR"', name
    assert config["variables"]["DAGGER_INSTALL_DIR"] == "/usr/local/bin"
    assert (REPO / ".docker" / "install-dagger.sh").is_file()


@pytest.mark.parametrize("path", CI_FILES, ids=IDS)
def test_dagger_environment(path: Path) -> None:
    variables = pipeline_variables(assemble(path))
    assert variables["DAGGER_NO_NAG"] == "1"
    assert variables["DAGGER_PROGRESS"] == "plain"
    assert "DAGGER_CLOUD_TOKEN" not in variables, "a secret belongs in the project's masked variables"


@pytest.mark.parametrize("path", CI_FILES, ids=IDS)
def test_pipelines_for_merge_requests_and_the_default_branch(path: Path) -> None:
    config = assemble(path)
    assert jobs_that_run(config, **MERGE_REQUEST)
    default_branch = {"CI_PIPELINE_SOURCE": "push", "CI_COMMIT_BRANCH": "main", "CI_DEFAULT_BRANCH": "main"}
    assert jobs_that_run(config, **default_branch)
    feature = {"CI_PIPELINE_SOURCE": "push", "CI_COMMIT_BRANCH": "feature", "CI_DEFAULT_BRANCH": "main"}
    assert jobs_that_run(config, **feature) == set()
    assert jobs_that_run(config, **feature, CI_OPEN_MERGE_REQUESTS="group/project!1") == set()


@pytest.mark.parametrize(("path", "default_mode"), [(SOCKET_FILE, "parallel"), (DIND_FILE, "run-all")], ids=IDS)
def test_modes(path: Path, default_mode: str) -> None:
    """parallel: the four checks as jobs; run-all: one job. The report job in both."""
    config = assemble(path)
    mode = config["variables"]["QG_MODE"]
    assert mode["value"] == default_mode
    assert set(mode["options"]) == {"parallel", "run-all"}
    assert jobs_that_run(config, **MERGE_REQUEST, QG_MODE="parallel") == CHECK_JOBS | {"report"}
    assert jobs_that_run(config, **MERGE_REQUEST, QG_MODE="run-all") == {"run-all", "report"}
    assert jobs_that_run(config, **MERGE_REQUEST) == jobs_that_run(config, **MERGE_REQUEST, QG_MODE=default_mode)
    jobs = visible_jobs(config)
    assert {jobs[name]["stage"] for name in CHECK_JOBS | {"run-all"}} == {config["stages"][0]}
    for name in CHECK_JOBS:
        assert called_function(dagger_calls(jobs[name]["script"])[0]) == name


@pytest.mark.parametrize("path", CI_FILES, ids=IDS)
def test_report_job_publishes_both_reports_always(path: Path) -> None:
    config = assemble(path)
    report = visible_jobs(config)["report"]
    assert report["stage"] == config["stages"][-1], "after the checks, so it finds their results in the cache"
    assert report["rules"] == [{"when": "always"}], "also when a check failed"
    (words,) = dagger_calls(report["script"])
    assert called_function(words) == "report"
    assert words[-2:] == ["export", "--path=reports"]
    artifacts = report["artifacts"]
    assert artifacts["when"] == "always"
    assert artifacts["reports"] == {
        "codequality": "reports/gl-code-quality-report.json",
        "junit": "reports/junit.xml",
    }


def test_rule_evaluator_reads_gitlab_expressions() -> None:
    """The small evaluator above, on the forms the files use."""
    variables = {"A": "x", "B": "x", "C": ""}
    assert evaluate('$A == "x"', variables)
    assert not evaluate('$A != "x"', variables)
    assert evaluate("$A == $B", variables)
    assert not evaluate("$C", variables)
    assert not evaluate("$UNSET", variables)
    assert evaluate('$UNSET || ($A == "x" && $B)', variables)
