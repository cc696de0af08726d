"""The tools' own environment holds exactly the pins: a package installed beside them stops the gate, named."""

# Test names say what each test proves.
# pylint: disable=missing-function-docstring

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
from helpers.gate import make_project, said
from helpers.paths import PIPELINE_SRC, REPO
from helpers.wheels import build_wheel
from quality_gate.local import tools_env

PINS = (
    "# via pylint\n"
    "black==26.10.1 \\\n    --hash=sha256:00\n"
    "colorama==0.4.6 ; sys_platform == 'win32' \\\n    --hash=sha256:00\n"
    "typing-extensions==4.16.0 \\\n    --hash=sha256:00\n"
)


def site(folder: Path, *names: str) -> Path:
    for name in names:
        if name.endswith(".pth"):
            (folder / name).write_text("/elsewhere\n", encoding="utf-8")
        else:
            (folder / name).mkdir(parents=True)
    return folder


def test_extra_packages_other_versions_and_pth_files_are_the_differences(tmp_path: Path) -> None:
    pins = tools_env.pinned(PINS)
    assert pins == {"black": "26.10.1", "colorama": "0.4.6", "typing-extensions": "4.16.0"}
    exact = site(
        tmp_path / "exact",
        "black-26.10.1.dist-info",
        "typing_extensions-4.16.0.dist-info",
        "pip-24.2.dist-info",
        "quality_gate-0.1.0.dist-info",
    )
    assert not tools_env.differences(pins, tools_env.installed([exact])), "pip comes with every venv, make venv adds us"
    other = site(
        tmp_path / "other",
        "black-26.9.0.dist-info",
        "Requests-2.34.2.dist-info",
        "old_thing-1.0-py3.13.egg-info",
        "extra.pth",
        "distutils-precedence.pth",
    )
    assert tools_env.differences(pins, tools_env.installed([other])) == [
        "black 26.9.0 (pinned 26.10.1)",
        "extra.pth",
        "old-thing 1.0",
        "requests 2.34.2",
    ]


@pytest.fixture(name="tools_venv")
def fixture_tools_venv(tmp_path: Path) -> Path:
    """An environment laid out as `make venv` leaves one: the real .venv's packages (linked, never written to)
    and its stamp."""
    real = REPO / ".venv"
    if not (real / tools_env.STAMP).is_file():
        pytest.skip("no .venv: `make test` creates it (make venv)")
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    purelib = Path(sysconfig.get_paths(vars={"base": str(venv), "platbase": str(venv)})["purelib"])
    real_site = Path(sysconfig.get_paths(vars={"base": str(real), "platbase": str(real)})["purelib"])
    for item in real_site.iterdir():
        (purelib / item.name).symlink_to(item)
    for item in (real / "bin").iterdir():  # ruff's binary, which `python -m ruff` looks for there
        if not (venv / "bin" / item.name).exists():
            (venv / "bin" / item.name).symlink_to(item)
    (venv / tools_env.STAMP).touch()
    return venv


def run_lint(venv: Path, root: Path, cache: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(PIPELINE_SRC)}
    argv = [str(venv / "bin" / "python"), "-P", "-m", "quality_gate", "ruff", "--cache-dir", str(cache)]
    return subprocess.run(argv, cwd=root, env=env, capture_output=True, text=True, check=False, timeout=300)


def test_a_package_installed_into_the_tools_environment_stops_the_gate_naming_it(
    tools_venv: Path, tmp_path: Path
) -> None:
    root = make_project(tmp_path / "project", {"src/app.py": '"""App."""\n\nVALUE = 1\n'})
    exact = run_lint(tools_venv, root, tmp_path / "cache")
    assert exact.returncode == 0, said(exact)
    wheel = build_wheel(tmp_path / "wheels", "extra_pkg", "1.0", {"extra_pkg/__init__.py": ""})
    pip = [sys.executable, "-m", "pip", "--python", str(tools_venv / "bin" / "python"), "install", "--quiet"]
    subprocess.run([*pip, "--no-deps", "--no-index", "--no-compile", str(wheel)], check=True)
    refused = run_lint(tools_venv, root, tmp_path / "cache")
    assert refused.returncode == 2 and refused.stdout == "", said(refused)
    assert refused.stderr.splitlines() == [
        f"error: the tools' environment {tools_venv} differs from .config/requirements.txt: extra-pkg 1.0 (mypy and "
        "pylint see every package beside them: findings would differ from CI); rebuild it with "
        f"`rm -rf {tools_venv} && make venv`, and list your project's own packages in project-requirements.txt"
    ], said(refused)


def test_the_command_make_venv_installs_runs_in_the_tools_environment(tmp_path: Path) -> None:
    """`.venv/bin/quality-gate`, what the local-* targets run: the gate's own package beside the pins is no extra."""
    command = REPO / ".venv" / "bin" / "quality-gate"
    if not (REPO / ".venv" / tools_env.STAMP).is_file() or not command.is_file():
        pytest.skip("no .venv: `make test` creates it (make venv)")
    root = make_project(tmp_path / "project", {"src/app.py": '"""App."""\n\nVALUE = 1\n'})
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    argv = [str(command), "ruff", "--cache-dir", str(tmp_path / "cache")]
    done = subprocess.run(argv, cwd=root, env=env, capture_output=True, text=True, check=False, timeout=300)
    assert done.returncode == 0, said(done)
    assert done.stdout.startswith("ruff passed"), said(done)


def test_the_stamp_the_gate_looks_for_is_the_one_make_venv_writes() -> None:
    makefile = (REPO / "makefile").read_text(encoding="utf-8")
    assert f"VENV_STAMP := $(VENV)/{tools_env.STAMP}\n" in makefile
    assert "$(VENV_STAMP): .config/requirements.txt" in makefile and "\ttouch $@\n" in makefile
