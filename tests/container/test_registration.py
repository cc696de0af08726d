"""The module registers as the Dagger runtime would: functions, arguments, defaults, docs and checks."""

# Test names say what each test proves; pytest fixtures arrive as parameters named like the fixture.
# pylint: disable=missing-function-docstring,redefined-outer-name

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from helpers.paths import REPO as ROOT
from quality_gate.functions import single

PIPELINE = ROOT / ".pipeline"
# The one-tool functions as the SDK names them: one method of the module per check (a check without one fails here).
SINGLE = {function.replace("-", "_") for function in single()}


def _calls(chain: list[Any], name: str) -> list[dict[str, Any]]:
    return [args for field, args in chain if field == name]


@pytest.fixture(scope="module")
def module_def() -> list[Any]:
    env = {**os.environ, "DAGGER_MAIN_OBJECT": "QualityGate", "PYTHONPATH": str(PIPELINE / "src")}
    script = Path(__file__).with_name("registration.py")
    done = subprocess.run([sys.executable, str(script)], env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    chain: list[Any] = json.loads(done.stdout)
    return chain


@pytest.fixture(scope="module")
def main_object(module_def: list[Any]) -> list[Any]:
    objects = _calls(module_def, "withObject")
    assert len(objects) == 1
    chain: list[Any] = objects[0]["object"]
    assert _calls(chain, "withObject")[0]["name"] == "QualityGate"
    return chain


def _functions(main_object: list[Any]) -> dict[str, list[Any]]:
    functions = {}
    for args in _calls(main_object, "withFunction"):
        chain = args["function"]
        functions[_calls(chain, "function")[0]["name"]] = chain
    return functions


def test_functions_are_the_four_tools_run_all_report_fix_and_baseline(main_object: list[Any]) -> None:
    expected = {*SINGLE, "run_all", "report", "fix", "baseline"}
    assert set(_functions(main_object)) == expected


def test_the_four_tools_are_checks_and_nothing_else_is(main_object: list[Any]) -> None:
    checks = {name for name, chain in _functions(main_object).items() if _calls(chain, "withCheck")}
    assert checks == SINGLE


def test_fix_is_a_generator_returning_a_changeset(main_object: list[Any]) -> None:
    fix = _functions(main_object)["fix"]
    assert _calls(fix, "withGenerator") == [{}]
    return_type = _calls(fix, "function")[0]["returnType"]
    assert _calls(return_type, "withObject") == [{"name": "Changeset"}]


def test_report_returns_a_directory(main_object: list[Any]) -> None:
    return_type = _calls(_functions(main_object)["report"], "function")[0]["returnType"]
    assert _calls(return_type, "withObject") == [{"name": "Directory"}]


def test_baseline_returns_the_file_to_export_and_takes_reset_defaulting_to_false(main_object: list[Any]) -> None:
    """`dagger call baseline [--reset] export --path=.config/quality-baseline.json` (make baseline)."""
    chain = _functions(main_object)["baseline"]
    return_type = _calls(chain, "function")[0]["returnType"]
    assert _calls(return_type, "withObject") == [{"name": "File"}]
    args = _calls(chain, "withArg")
    assert [(arg["name"], arg["defaultValue"]) for arg in args] == [("reset", "false")]
    assert _calls(args[0]["typeDef"], "withKind") == [{"kind": "BOOLEAN_KIND"}]
    assert not _calls(chain, "withCheck"), "recording is not a check"


def test_every_function_has_a_description(main_object: list[Any]) -> None:
    for name, chain in _functions(main_object).items():
        descriptions = _calls(chain, "withDescription")
        assert descriptions and len(descriptions[0]["description"]) > 20, name


def test_run_all_takes_fail_fast_defaulting_to_false(main_object: list[Any]) -> None:
    args = _calls(_functions(main_object)["run_all"], "withArg")
    assert [(arg["name"], arg["defaultValue"]) for arg in args] == [("fail_fast", "false")]
    assert _calls(args[0]["typeDef"], "withKind") == [{"kind": "BOOLEAN_KIND"}]


def test_single_tool_functions_take_no_argument(main_object: list[Any]) -> None:
    for name in (*SINGLE, "report", "fix"):
        assert not _calls(_functions(main_object)[name], "withArg"), name


def test_constructor_takes_the_workspace_two_path_strings_the_incremental_switch_and_the_project(
    main_object: list[Any],
) -> None:
    """Dagger's own toolchain pattern: one repository Directory, the source and config chosen in it by path.

    One input per fact: the source that is mounted and the prefix of every reported or fixed path
    both come from source_path, so they cannot disagree.
    """
    constructor = _calls(main_object, "withConstructor")[0]["function"]
    args = {arg["name"]: arg for arg in _calls(constructor, "withArg")}
    assert list(args) == ["workspace", "source_path", "config_path", "incremental", "project"]
    directories = [
        name for name, arg in args.items() if _calls(arg["typeDef"], "withObject") == [{"name": "Directory"}]
    ]
    assert directories == ["workspace"]
    assert args["workspace"]["defaultPath"] == "/"
    for name, default in (("source_path", "src"), ("config_path", ".config"), ("project", "")):
        assert _calls(args[name]["typeDef"], "withKind") == [{"kind": "STRING_KIND"}]
        assert json.loads(args[name]["defaultValue"]) == default
        assert args[name]["defaultPath"] is None, "a string, not a second directory"
    assert _calls(args["incremental"]["typeDef"], "withKind") == [{"kind": "BOOLEAN_KIND"}]
    assert json.loads(args["incremental"]["defaultValue"]) is True
    ignored = set(args["workspace"]["ignore"])
    assert {"**/.git", "**/.venv", "**/__pycache__", "**/.mypy_cache", "**/.ruff_cache"} <= ignored
    for name, arg in args.items():
        assert len(_calls(arg["typeDef"], "withOptional")) <= 1, name
        assert arg.get("description"), name


def _kebab(name: str) -> str:
    return name.replace("_", "-")


def test_the_toolchains_check_names_in_the_docs_are_the_modules(main_object: list[Any]) -> None:
    """`dagger check` names a toolchain's checks <module>:<function>: the names docs/by-reference.md gives."""
    module = json.loads((ROOT / "dagger.json").read_text(encoding="utf-8"))["name"]
    functions = _functions(main_object)
    checks = {name for name, chain in functions.items() if _calls(chain, "withCheck")}
    generators = {name for name, chain in functions.items() if _calls(chain, "withGenerator")}
    doc = (ROOT / "docs" / "by-reference.md").read_text(encoding="utf-8")
    named = set(re.findall(rf"\b{re.escape(module)}:(\w[\w-]*)", doc))
    assert {_kebab(name) for name in checks} <= named, "each check named as dagger check names it"
    assert named <= {_kebab(name) for name in checks | generators}, "no name the module does not register"


def test_the_customizations_in_the_docs_name_constructor_arguments(main_object: list[Any]) -> None:
    constructor = _calls(main_object, "withConstructor")[0]["function"]
    arguments = {arg["name"] for arg in _calls(constructor, "withArg")}
    doc = (ROOT / "docs" / "by-reference.md").read_text(encoding="utf-8")
    block = doc.split("tests/container/test_registration.py reads this block -->\n```json\n", 1)[1].split("```", 1)[0]
    [entry] = json.loads(block)["toolchains"]
    assert entry["name"] == json.loads((ROOT / "dagger.json").read_text(encoding="utf-8"))["name"]
    for customization in entry["customizations"]:
        assert customization["argument"] in arguments, customization
        assert isinstance(customization["default"], str), "dagger.json takes every default as a string"
    functions = _functions(main_object)
    assert all(_kebab(name) in {_kebab(f) for f in functions} for name in entry["ignoreChecks"])
