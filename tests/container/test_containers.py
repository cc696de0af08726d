"""Each function's container chain, read from the SDK's lazily built query before anything is awaited."""

# Test names say what each test proves.
# pylint: disable=missing-function-docstring

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Any, cast

import anyio
import dagger
import dagger.mod
import pytest
from dagger.mod._exceptions import FunctionError
from helpers.chains import chain, container_for, gate, index
from quality_gate.checks import CHECKS
from quality_gate.commands import Execution, Layout
from quality_gate.container import runner as dagger_runner
from quality_gate.container.module import GateError, QualityGate
from quality_gate.fix.fixers import FIXERS, run_fixers
from quality_gate.functions import single
from quality_gate.local import runner as local_runner


@pytest.mark.parametrize("function", list(single()))
def test_base_image_is_python_313_slim(function: str) -> None:
    steps = container_for(function)
    assert steps[0] == ("container", {})
    assert steps[1] == ("from", {"address": dagger_runner.PYTHON_IMAGE})
    assert dagger_runner.PYTHON_IMAGE.startswith("python:3.13-slim@sha256:"), "the runtime's own, by digest"


@pytest.mark.parametrize("function", list(single()))
def test_pinned_tools_install_with_hashes_before_the_source_is_mounted(function: str) -> None:
    steps = container_for(function)
    pip_cache = index(steps, "withMountedCache", path="/root/.cache/pip")
    pins = index(steps, "withFile", path="/opt/quality-gate/requirements.txt")
    install = index(steps, "withExec", args=["pip", "install", "--require-hashes", "-r", dagger_runner.PINS_PATH])
    source = index(steps, "withMountedDirectory", path="/gate/src")
    assert pip_cache < install and pins < install < source
    assert steps[pip_cache][1]["cache"] == [("cacheVolume", {"key": "quality-gate-pip"})]
    assert steps[pins][1]["source"][-2:] == [("directory", {"path": ".config"}), ("file", {"path": "requirements.txt"})]
    assert "expect" not in steps[install][1], "a failed install must fail, not be interpreted"


@pytest.mark.parametrize("function", list(single()))
def test_source_mounted_and_workdir_is_the_repository_root(function: str) -> None:
    steps = container_for(function)
    source = steps[index(steps, "withMountedDirectory", path="/gate/src")][1]["source"]
    assert ("withNewFile", {"path": "src/main.py", "contents": 'print("hi")\n'}) in source
    assert source[-1] == ("directory", {"path": "src"}), "the source folder of the repository, nothing else"
    assert index(steps, "withWorkdir", path="/gate") < len(steps) - 1


@pytest.mark.parametrize("function", list(single()))
def test_only_the_tools_own_config_file_is_mounted(function: str) -> None:
    """Editing one tool's configuration leaves the other tools' cached results valid."""
    check = single()[function]
    steps = container_for(function)
    mounted = [args for field, args in steps if field == "withMountedFile"]
    assert [args["path"] for args in mounted] == [f"/gate-config/{check.tool.config_file}"]
    assert mounted[0]["source"][-2:] == [("directory", {"path": ".config"}), ("file", {"path": check.tool.config_file})]
    directories = [args["path"] for field, args in steps if field in {"withMountedDirectory", "withDirectory"}]
    drivers = [dagger_runner.DRIVER_ROOT] if check.driver else []  # the gate's own driver (pylint), not the project's
    assert directories == ["/gate/src", *drivers], "only the source folder, never the whole repository"


@pytest.mark.parametrize("function", list(single()))
def test_each_tool_has_its_cache_volume_and_variable(function: str) -> None:
    check = single()[function]
    steps = container_for(function)
    cache_dir = f"/cache/{check.name}"
    mount = steps[index(steps, "withMountedCache", path=cache_dir)][1]
    assert mount["cache"] == [("cacheVolume", {"key": f"quality-gate-{check.name}"})]
    index(steps, "withEnvVariable", name=check.tool.cache_variable, value=cache_dir)
    runner = gate()._runner("f1le5e7")  # pylint: disable=protected-access
    steps = chain(runner.container(check.command(runner.layout)))
    mount = steps[index(steps, "withMountedCache", path=cache_dir)][1]
    per_file_set = "-f1le5e7" if check.name == "mypy" else ""  # mypy replays a moved file's old path
    assert mount["cache"] == [("cacheVolume", {"key": f"quality-gate-{check.name}{per_file_set}"})]


@pytest.mark.parametrize("function", list(single()))
def test_last_step_is_the_checks_command_accepting_any_exit_code(function: str) -> None:
    check = single()[function]
    field, args = container_for(function)[-1]
    layout = Layout(source="src", config="/gate-config", workdir="/gate")
    assert field == "withExec"
    assert args["args"] == list(check.command(layout, incremental=True).invocation("python"))
    assert args["expect"] == "ANY"
    assert args["args"][:4] == ["python", "-P", "-m", check.driver or check.tool.module]
    assert args["args"][-1] == "src"
    assert f"/gate-config/{check.tool.config_file}" in args["args"]


@pytest.mark.parametrize("function", list(single()))
def test_tools_run_with_a_fixed_hash_seed_like_the_local_runner(function: str) -> None:
    steps = container_for(function)
    index(steps, "withEnvVariable", name="PYTHONHASHSEED", value="0")


def test_checks_never_ask_a_tool_to_rewrite() -> None:
    argv = {function: container_for(function)[-1][1]["args"] for function in single()}
    assert "--check" in argv["format"]
    assert "--no-fix" in argv["ruff"] and "--fix" not in argv["ruff"]


@pytest.mark.parametrize("function", list(single()))
def test_the_local_runner_starts_the_same_command_line(
    function: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Interpreter and config directory aside, the argv the local runner spawns is the one the container execs."""
    spawned: list[list[str]] = []

    async def record(argv: list[str], cwd: str, env: dict[str, str]) -> tuple[int, str, str]:
        del cwd, env
        spawned.append(argv)
        return 0, "", ""

    monkeypatch.setattr(local_runner, "run_process", record)
    check = single()[function]
    local = local_runner.LocalRunner(
        Layout(source="src", config=".config", workdir=str(tmp_path)), tmp_path / "c", incremental=True
    )
    anyio.run(local.execute, check.command(local.layout, incremental=local.incremental))
    assert len(spawned) == 1, spawned
    argv = spawned[0]
    assert argv[:2] == [sys.executable, "-P"]
    execed = container_for(function)[-1][1]["args"]
    assert execed[0] == "python"
    assert [arg.replace("/gate-config/", ".config/") for arg in execed[1:]] == argv[1:], "-P in both"


def test_source_path_places_the_mount_so_paths_match_the_repository() -> None:
    steps = container_for("ruff", "app/lib")
    index(steps, "withMountedDirectory", path="/gate/app/lib")
    assert steps[-1][1]["args"][-1] == "app/lib"


def test_function_error_is_still_the_sdks_private_escape_hatch(caplog: pytest.LogCaptureFixture) -> None:
    """GateError subclasses a private class of dagger-io 0.21.11; this fails the day the SDK changes it.

    FunctionError lives in dagger.mod._exceptions and is not exported by `dagger` or `dagger.mod`;
    Module.call lets it through unchanged and unlogged, while any other exception is logged with its
    traceback and wrapped. Should it move, become public, or lose that treatment, this test says so.
    """
    assert GateError.__mro__[1] is FunctionError
    assert FunctionError.__module__ == "dagger.mod._exceptions"
    assert not hasattr(dagger, "FunctionError")
    assert "FunctionError" not in dagger.mod.__all__
    module = cast(Any, QualityGate).__dagger_module__  # pylint: disable=no-member  # set by @object_type
    ours = GateError("findings")

    async def fails_with(error: Exception) -> None:
        raise error

    with caplog.at_level(logging.DEBUG), pytest.raises(GateError) as raised:
        anyio.run(module.call, fails_with, ours)
    assert raised.value is ours
    assert not [record for record in caplog.records if record.exc_info]
    with caplog.at_level(logging.DEBUG), pytest.raises(FunctionError) as wrapped:
        anyio.run(module.call, fails_with, ValueError("boom"))
    assert not isinstance(wrapped.value, GateError)
    assert [record for record in caplog.records if record.exc_info], "other errors are logged with a traceback"


def test_fix_runs_the_local_fixers_on_a_copy_and_returns_a_changeset_from_the_repository_root(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The Dagger fix runs fix/fixers.py's run_fixers over a ChainRunner: the local fix's commands, order, configs."""
    qg = gate()
    source, config = qg._source(), qg._config()  # pylint: disable=protected-access
    writable = dagger_runner.with_source(dagger_runner.toolbox(config), source, "src", writable=True)
    runner = dagger_runner.ChainRunner(writable, config, dagger_runner.layout("src"))

    async def done_without_an_engine(container: dagger.Container) -> Execution:
        del container
        return Execution(0, "", "", 0.0)

    monkeypatch.setattr(dagger_runner, "collect", done_without_an_engine)
    assert anyio.run(run_fixers, runner) is None
    steps = chain(runner.container)
    index(steps, "withDirectory", path="/gate/src")
    execs = [args["args"] for field, args in steps if field == "withExec" and args.get("expect") == "ANY"]
    local = Layout(source="src", config=".config", workdir="/repo")
    assert execs == [list(fixer.command(runner.layout).invocation("python")) for fixer in FIXERS]
    assert [[arg.replace(dagger_runner.CONFIG_DIR, ".config") for arg in argv[1:]] for argv in execs] == [
        list(fixer.command(local).invocation("python"))[1:] for fixer in FIXERS
    ], "the local fix runs the very same command lines"
    mounted = [args["path"] for field, args in steps if field == "withMountedFile"]
    assert mounted == [f"{dagger_runner.CONFIG_DIR}/{fixer.tool.config_file}" for fixer in FIXERS]
    changeset = chain(dagger_runner.changes(source, runner.container.directory("/gate/src"), "src"))
    assert changeset[-1][0] == "changes"
    assert changeset[1][0] == "withDirectory" and changeset[1][1]["path"] == "src"
    assert ("directory", {"path": "/gate/src"}) in changeset[1][1]["source"]
    before = changeset[-1][1]["from"]
    assert before[1][0] == "withDirectory" and before[1][1]["path"] == "src"
    assert before[1][1]["source"] == chain(source)


def test_building_a_chain_never_connects_and_running_it_needs_an_engine() -> None:
    """Every chain above was read without an engine; awaiting one is what would need it."""
    runner = gate()._runner()  # pylint: disable=protected-access
    container = runner.container(CHECKS["ruff"].command(runner.layout))
    with pytest.raises(dagger.ClientConnectionError):
        anyio.run(container.sync)


def test_project_requirements_install_in_a_layer_of_their_own_after_the_tools_before_the_source() -> None:
    """Keyed on that file alone (the tools' layer below is unchanged); pip gets the pins again, so a project pin
    cannot change a tool's package; then the source is mounted, and mypy and pylint see the project's packages."""
    runner = gate()._runner(project_requirements=True)  # pylint: disable=protected-access
    steps = chain(runner.container(CHECKS["mypy"].command(runner.layout)))
    tools = index(steps, "withExec", args=["pip", "install", "--require-hashes", "-r", dagger_runner.PINS_PATH])
    copied = index(steps, "withFile", path=dagger_runner.PROJECT_PINS_PATH)
    both = ["pip", "install", "--require-hashes", "-r", dagger_runner.PINS_PATH, "-r", dagger_runner.PROJECT_PINS_PATH]
    install = index(steps, "withExec", args=both)
    source = index(steps, "withMountedDirectory", path="/gate/src")
    assert tools < copied < install < source
    assert steps[copied][1]["source"][-2:] == [
        ("directory", {"path": ".config"}),
        ("file", {"path": "project-requirements.txt"}),
    ], "that one file of the configuration, nothing else"
    plain = gate()._runner().base  # pylint: disable=protected-access
    assert steps[: tools + 1] == chain(plain)[: tools + 1], "the tools' layers as without it"
    assert "expect" not in steps[install][1], "a failed install fails the function, it is not read as findings"


def test_without_project_requirements_nothing_is_installed_but_the_pins() -> None:
    runner = gate()._runner()  # pylint: disable=protected-access
    steps = chain(runner.container(CHECKS["mypy"].command(runner.layout)))
    assert [field for field, args in steps if field == "withFile"] == ["withFile"]
    installs = [args["args"] for field, args in steps if field == "withExec" and args["args"][:2] == ["pip", "install"]]
    assert installs == [["pip", "install", "--require-hashes", "-r", dagger_runner.PINS_PATH]]
