"""The module in the environment the Dagger runtime builds for it: it loads, registers and runs there.

The tests' own venv holds the tools, pytest and the validators, so an import the module's lock does not hold
still works there. Here the runtime's steps are replayed (tests/helpers/runtime_env.py: the SDK vendored as
sdk/, `uv lock`, `uv sync --no-dev` with the runtime's uv and variables, offline from the cache `make
test-tools` filled), and tests/container/runtime_probe.py runs in that environment alone (`python -I`): the SDK's
own loader imports the module, the registration is read from the query it builds, and every function runs
against the offline engine double, its tools in the tools' environment as in the toolbox container.
"""

# Test names say what each test proves; pytest fixtures arrive as parameters named like the fixture.
# pylint: disable=missing-function-docstring,redefined-outer-name

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tomllib
import warnings
from pathlib import Path
from typing import Any

import pytest
from helpers import runtime_env
from helpers.gate import make_project
from helpers.paths import PIPELINE_SRC, REPO, TOOLS_PYTHON
from quality_gate.functions import single

PROBE = Path(__file__).with_name("runtime_probe.py")
DOUBLE = REPO / "tests" / "helpers" / "engine.py"
FUNCTIONS = [*(function.replace("-", "_") for function in single()), "run_all", "report", "baseline", "fix"]
# Findings for pylint, mypy and ruff (an unused import, a function without annotations), and for black.
APP = (
    '"""Planted."""\n\nimport os\n\nVALUES = {  "a":1}\n\n\n'
    'def shout(text):\n    """Shout."""\n    return text.upper()\n'
)


def built(where: Path, source: Path = PIPELINE_SRC) -> runtime_env.RuntimeEnv:
    if not runtime_env.UV_CACHE.is_dir():
        pytest.fail(f"{runtime_env.UV_CACHE.relative_to(REPO)} is missing: run `make test-tools` (make test does it)")
    env = runtime_env.build(where, source=source)
    if env.note:
        warnings.warn(env.note, stacklevel=2)  # listed in pytest's summary: which Python stood in for 3.13
    return env


def probe(python: Path, project: Path, state: Path, *, isolated: bool, functions: list[str]) -> dict[str, Any]:
    """The probe's report, run by `python` (-I: its environment alone; else with the checkout on PYTHONPATH)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "DAGGER_", "VIRTUAL_ENV"))}
    env.update({"DAGGER_DEFAULT_PYTHON_PACKAGE": "quality_gate", "DAGGER_MAIN_OBJECT": "QualityGate"})
    flags = ["-I"] if isolated else []
    if not isolated:
        env["PYTHONPATH"] = str(PIPELINE_SRC)
    command = [str(python), *flags, str(PROBE), "--double", str(DOUBLE), "--project", str(project)]
    command += ["--state", str(state), "--tools-python", str(TOOLS_PYTHON), "--functions", *functions]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False, timeout=900)
    assert done.returncode == 0, done.stderr
    report: dict[str, Any] = json.loads(done.stdout)
    return report


def without_times(outcomes: dict[str, Any]) -> dict[str, Any]:
    """The outcomes but the table's lines (their seconds differ from run to run)."""
    return {name: {key: value for key, value in outcome.items() if key != "head"} for name, outcome in outcomes.items()}


@pytest.fixture(scope="module")
def runtime(tmp_path_factory: pytest.TempPathFactory) -> runtime_env.RuntimeEnv:
    return built(tmp_path_factory.mktemp("runtime"))


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_project(tmp_path_factory.mktemp("project") / "repo", {"src/app.py": APP})


@pytest.fixture(scope="module")
def in_runtime(runtime: runtime_env.RuntimeEnv, project: Path, tmp_path_factory: pytest.TempPathFactory) -> Any:
    state = tmp_path_factory.mktemp("engine-runtime")
    return probe(runtime.python, project, state, isolated=True, functions=FUNCTIONS)


def test_the_runtimes_uv_lock_keeps_the_committed_lock(runtime: runtime_env.RuntimeEnv) -> None:
    assert not runtime.lock_changed, "the runtime's `uv lock` would rewrite .pipeline/uv.lock"


def test_the_module_loads_there_from_its_own_environment_alone(
    runtime: runtime_env.RuntimeEnv, in_runtime: dict[str, Any]
) -> None:
    assert "load_error" not in in_runtime, in_runtime.get("load_error")
    assert in_runtime["flags"]["isolated"] == 1
    assert Path(in_runtime["package"]).is_relative_to(runtime.module / "src"), "the laid-out module, installed"
    assert in_runtime["outside"] == [], "every import from the runtime's environment or the standard library"
    project = tomllib.loads((runtime.module / "pyproject.toml").read_text(encoding="utf-8"))
    assert in_runtime["images"] == [project["tool"]["dagger"]["base-image"]], "read from the module's own pyproject"


def test_it_registers_the_eight_functions_there(in_runtime: dict[str, Any]) -> None:
    assert sorted(in_runtime["functions"]) == sorted(FUNCTIONS)


def test_every_function_runs_there_as_in_the_tests_environment(
    in_runtime: dict[str, Any], project: Path, tmp_path: Path
) -> None:
    """The same functions, on the same project, from the tests' venv: the same outcome in both environments."""
    here = probe(Path(sys.executable), project, tmp_path / "engine", isolated=False, functions=FUNCTIONS)
    assert without_times(in_runtime["outcomes"]) == without_times(here["outcomes"])
    outcomes = in_runtime["outcomes"]
    for name in ("lint", "mypy", "ruff", "format"):
        assert outcomes[name]["raised"] == "GateError", (name, outcomes[name])
    assert outcomes["run_all"]["last_line"] == [
        "gate failed: pylint (failed), black (failed), mypy (failed), ruff (failed)"
    ]
    assert outcomes["report"]["files"] == [
        "gl-code-quality-report.json",
        "junit.xml",
        "quality-gate.sarif",
        "summary.txt",
    ]
    assert '"src/app.py"' in outcomes["baseline"]["text"]
    assert outcomes["fix"]["changed"] == ["src/app.py"], "ruff's and black's fixes, as a changeset"


def test_the_drivers_ran_in_the_tools_environment_alone(in_runtime: dict[str, Any]) -> None:
    """pylint and black ran through their drivers, importable only from the files the module copies in."""
    assert in_runtime["volumes"], "the tools ran with their cache volumes"
    assert in_runtime["outcomes"]["lint"]["last_line"][0].startswith("pylint failed")


def test_a_project_without_config_runs_there_on_the_modules_shipped_files(
    runtime: runtime_env.RuntimeEnv, tmp_path: Path
) -> None:
    """The shipped configuration is read where the engine puts it: the module's context (dagger.json's include)."""
    (tmp_path / "repo" / "src").mkdir(parents=True)
    (tmp_path / "repo" / "src" / "app.py").write_text(APP, encoding="utf-8")
    report = probe(runtime.python, tmp_path / "repo", tmp_path / "engine", isolated=True, functions=["run_all"])
    outcome = report["outcomes"]["run_all"]
    assert outcome["raised"] == "GateError", outcome
    table = outcome["head"]
    assert table[0].split()[-1] == "config"
    assert [line.split()[-2:] for line in table[1:5]] == [
        ["bundled", ".pylintrc"],
        ["bundled", "black.toml"],
        ["bundled", "mypy.ini"],
        ["bundled", "pyproject.toml"],
    ]


def test_an_import_the_lock_does_not_hold_fails_the_load_there(tmp_path: Path) -> None:
    """The control: a module that imports a package of the tests' venv, not of the lock, does not load."""
    source = tmp_path / "src"
    shutil.copytree(PIPELINE_SRC, source, ignore=shutil.ignore_patterns("__pycache__"))
    review = source / "quality_gate" / "baseline" / "review.py"
    review.write_text(review.read_text(encoding="utf-8").replace("\nimport ", "\nimport jsonschema\nimport ", 1))
    planted = built(tmp_path / "runtime", source)
    report = probe(planted.python, tmp_path, tmp_path / "engine", isolated=True, functions=[])
    assert "No module named 'jsonschema'" in report["load_error"]
