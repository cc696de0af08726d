"""pylint in Dagger runs the incremental driver from the module's own files, its state on the pylint cache volume.

Read from the SDK's lazily built query, nothing awaited; then the driver's files, as the chain carries them,
are laid out like the container and run with the tools' interpreter: they must be all the driver needs.
"""

# Test names say what each test proves.
# pylint: disable=missing-function-docstring

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from helpers.chains import chain, container_for, gate, index
from helpers.paths import CONFIG
from quality_gate.checks import CHECKS
from quality_gate.commands import Layout
from quality_gate.container import runner as dagger_runner
from quality_gate.drivers import launch as driver
from quality_gate.drivers.identity import differences
from quality_gate.drivers.pylint import DRIVER_ROOT_VARIABLE
from quality_gate.drivers.pylint.linter import STATE_DIR
from quality_gate.functions import single
from quality_gate.local.runner import tool_environment


def test_the_gate_asks_the_container_runner_for_incremental_commands() -> None:
    runner = gate()._runner()  # pylint: disable=protected-access
    assert runner.incremental
    assert not dagger_runner.ChainRunner(runner.base, runner.config, runner.layout).incremental, "fixes run on a copy"


def test_pylint_runs_the_driver_with_its_state_on_the_pylint_cache_volume() -> None:
    steps = container_for("lint")
    execute = steps[-1][1]["args"]
    assert execute[:4] == ["python", "-P", "-m", "quality_gate.drivers.pylint"]
    assert execute[4:] == list(CHECKS["pylint"].command(dagger_runner.layout("src")).args), "pylint's own arguments"
    mount = steps[index(steps, "withMountedCache", path="/cache/pylint")][1]
    assert mount["cache"] == [("cacheVolume", {"key": "quality-gate-pylint"})]
    index(steps, "withEnvVariable", name="PYLINTHOME", value="/cache/pylint")  # the driver keeps its state there
    files = index(steps, "withDirectory", path=dagger_runner.DRIVER_ROOT)
    index(steps, "withEnvVariable", name="PYTHONPATH", value=dagger_runner.DRIVER_ROOT)
    index(steps, "withEnvVariable", name=DRIVER_ROOT_VARIABLE, value=dagger_runner.DRIVER_ROOT)
    assert index(steps, "withMountedDirectory", path="/gate/src") < files < len(steps) - 1


@pytest.mark.parametrize("function", [name for name, check in single().items() if check.driver is None])
def test_other_tools_get_no_driver(function: str) -> None:
    runner = gate()._runner()  # pylint: disable=protected-access
    steps = chain(runner.container(single()[function].command(runner.layout, incremental=True)))
    assert all(args.get("path") != dagger_runner.DRIVER_ROOT for _, args in steps)
    assert all(args.get("name") != DRIVER_ROOT_VARIABLE for _, args in steps)


@pytest.mark.parametrize("tool", ["pylint", "black"])
def test_incremental_false_runs_the_tool_itself(tool: str) -> None:
    runner = gate(incremental=False)._runner()  # pylint: disable=protected-access
    steps = chain(runner.container(CHECKS[tool].command(runner.layout, incremental=runner.incremental)))
    assert steps[-1][1]["args"][:4] == ["python", "-P", "-m", tool]
    assert all(args.get("path") != dagger_runner.DRIVER_ROOT for _, args in steps)


def shipped_files() -> dict[str, str]:
    steps = container_for("lint")
    source = steps[index(steps, "withDirectory", path=dagger_runner.DRIVER_ROOT)][1]["source"]
    return {args["path"]: args["contents"] for field, args in source if field == "withNewFile"}


def test_the_shipped_files_are_the_modules_own() -> None:
    files = shipped_files()
    assert files == driver.driver_files()
    assert "quality_gate/drivers/pylint/__main__.py" in files
    assert "quality_gate/container/module.py" not in files, "the Dagger module itself stays out of the tools' container"


def container_layout(tmp_path: Path) -> tuple[Path, Path]:
    """The shipped files in a folder of their own (the container's driver root), and a project with src/."""
    root = tmp_path / "driver"
    for name, text in shipped_files().items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    project = tmp_path / "gate"
    (project / "src").mkdir(parents=True)
    return root, project


def test_the_shipped_files_alone_run_pylint_incrementally(tmp_path: Path) -> None:
    """Laid out as in the container (only those files importable), the driver runs twice: the second run reuses
    the first one's state, as the next pipeline on a warm engine would, and both equal a full run."""
    root, project = container_layout(tmp_path)
    (project / "src" / "app.py").write_text('"""App."""\n\nimport os\n\nVALUE = os.sep\n', encoding="utf-8")
    (project / "src" / "other.py").write_text('"""Other."""\n\n\ndef f(x):\n    return x\n', encoding="utf-8")
    args = CHECKS["pylint"].command(Layout("src", str(CONFIG), str(project))).args
    env = {**tool_environment(), "PYLINTHOME": str(tmp_path / "volume")}
    env.pop("PYTHONPATH", None)
    container_env = {**env, **driver.environment(str(root), None)}

    def run(module: str, environment: dict[str, str]) -> dict[str, Any]:
        done = subprocess.run(
            [sys.executable, "-m", module, *args],
            cwd=project,
            env=environment,
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 16, done.stderr  # conventions only: missing docstrings
        report: dict[str, Any] = json.loads(done.stdout)
        return report

    full = run("pylint", env)
    for linted in (["app", "other"], []):
        assert differences(run("quality_gate.drivers.pylint", container_env), full) == []
        record = json.loads((tmp_path / "volume" / STATE_DIR / "last-run.json").read_text(encoding="utf-8"))
        assert record["linted"] == linted


def test_black_runs_its_driver_with_its_answers_on_the_black_cache_volume() -> None:
    steps = container_for("format")
    execute = steps[-1][1]["args"]
    assert execute[:4] == ["python", "-P", "-m", "quality_gate.drivers.black"]
    assert execute[4:] == list(CHECKS["black"].command(dagger_runner.layout("src")).args), "black's own arguments"
    mount = steps[index(steps, "withMountedCache", path="/cache/black")][1]
    assert mount["cache"] == [("cacheVolume", {"key": "quality-gate-black"})]
    index(steps, "withEnvVariable", name="BLACK_CACHE_DIR", value="/cache/black")  # the answers are kept there
    index(steps, "withDirectory", path=dagger_runner.DRIVER_ROOT)


def test_the_shipped_files_alone_run_black_incrementally(tmp_path: Path) -> None:
    """Laid out as in the container, black's driver answers a second run from the first one's memory."""
    root, project = container_layout(tmp_path)
    (project / "src" / "app.py").write_text("x = {  'a':1}\n", encoding="utf-8")
    (project / "src" / "other.py").write_text('"""Formatted."""\n', encoding="utf-8")
    env = {**tool_environment(), "BLACK_CACHE_DIR": str(tmp_path / "volume")}
    env.pop("PYTHONPATH", None)
    env.update(driver.environment(str(root), None))
    command = CHECKS["black"].command(Layout("src", str(CONFIG), str(project)), incremental=True)

    def diff() -> str:
        done = subprocess.run(
            [sys.executable, "-P", *command.argv], cwd=project, env=env, capture_output=True, text=True, check=False
        )
        assert done.returncode == 1, done.stderr
        return done.stdout.split("\n", 2)[2]  # the diff after its two header lines (times)

    outputs = [diff(), diff()]
    assert outputs[0] == outputs[1] and '+x = {"a": 1}' in outputs[0]
    answers = list((tmp_path / "volume").glob("*/quality-gate-incremental/*.json"))
    assert len(answers) == 2
    for path in answers:  # marked: a third run that prints the mark was answered from memory
        record = json.loads(path.read_text(encoding="utf-8"))
        if record["result"]["changed"]:
            record["result"]["body"] += "+# remembered\n"
            path.write_text(json.dumps(record), encoding="utf-8")
    assert diff() == outputs[0] + "+# remembered\n"
