"""The project's own packages, hash-pinned in .config/project-requirements.txt, installed beside the tools."""

# Test names say what each test proves; pytest fixtures arrive as parameters named like the fixture.
# pylint: disable=missing-function-docstring,redefined-outer-name

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from helpers.gate import Project, said
from helpers.wheels import build_sdist, build_wheel, pinned
from quality_gate.commands import PROJECT_REQUIREMENTS

USER = '"""Uses a package of the project\'s own."""\n\nfrom localdep import VALUE\n\nTOTAL: int = VALUE + 1\n'
IMPORT_ERRORS = ("E0401", "import-not-found")


@pytest.fixture
def project(tmp_path: Path) -> Project:
    return Project.create(tmp_path, {"src/app.py": USER})


def offline(wheels: Path) -> dict[str, str]:
    """pip's settings for the gate: the folder of wheels the test built, and no index at all."""
    return {"PIP_NO_INDEX": "1", "PIP_FIND_LINKS": str(wheels)}


def require(project: Project, wheels: Path, version: str, value: str) -> None:
    """localdep `version`, whose VALUE is `value`, built and pinned in the project's requirements."""
    module = f'"""Local dependency."""\n\nVALUE = {value}\n'
    wheel = build_wheel(wheels, "localdep", version, {"localdep/__init__.py": module, "localdep/py.typed": ""})
    (project.root / ".config" / PROJECT_REQUIREMENTS).write_text(pinned(wheel, "localdep", version), encoding="utf-8")


def test_the_project_requirements_remove_the_import_errors(project: Project, tmp_path: Path) -> None:
    without = project.gate("run-all")
    assert without.returncode == 1, said(without)
    assert all(rule in without.stdout for rule in IMPORT_ERRORS), said(without)
    require(project, tmp_path / "wheels", "1.0", "41")
    with_them = project.gate("run-all", env=offline(tmp_path / "wheels"))
    assert with_them.returncode == 0, said(with_them)
    assert not any(rule in with_them.stdout for rule in IMPORT_ERRORS)
    assert f"installing .config/{PROJECT_REQUIREMENTS} beside the tools" in with_them.stderr
    again = project.gate("run-all", env=offline(tmp_path / "wheels"))
    assert "installing" not in again.stderr and again.stdout.count("(cached)") == 4, "built once, results kept"


def test_the_tools_environment_never_receives_the_project_packages(project: Project, tmp_path: Path) -> None:
    require(project, tmp_path / "wheels", "1.0", "41")
    assert project.gate("mypy", env=offline(tmp_path / "wheels")).returncode == 0
    imported = subprocess.run([sys.executable, "-c", "import localdep"], capture_output=True, check=False)
    assert imported.returncode == 1, "localdep lives in the project's environment, beside the tools, not among them"
    environments = list((project.cache / "projects").glob("*/environments/*/lib/*/site-packages/localdep"))
    assert len(environments) == 1, environments


def test_a_new_version_of_a_project_package_is_checked_again(project: Project, tmp_path: Path) -> None:
    """The result cache's key covers the project's environment: a changed package is not answered from it."""
    require(project, tmp_path / "wheels", "1.0", "41")
    assert project.gate("mypy", env=offline(tmp_path / "wheels")).returncode == 0
    require(project, tmp_path / "wheels", "2.0", "'forty-one'")
    changed = project.gate("mypy", env=offline(tmp_path / "wheels"))
    assert changed.returncode == 1 and "(cached)" not in changed.stdout, said(changed)
    assert 'Unsupported operand types for + ("str" and "int")' in changed.stdout, said(changed)


def test_a_project_pin_that_contradicts_a_tools_pin_stops_the_gate(project: Project, tmp_path: Path) -> None:
    """pip is given both files: a project cannot change the version of a package the tools use."""
    contradiction = "typing-extensions==4.15.0 --hash=sha256:" + "0" * 64 + "\n"
    (project.root / ".config" / PROJECT_REQUIREMENTS).write_text(contradiction, encoding="utf-8")
    done = project.gate("run-all", env=offline(tmp_path / "wheels"))
    assert done.returncode == 2 and done.stdout == "", said(done)
    *notice, error = done.stderr.splitlines()
    assert len(notice) == 1 and error.startswith(f"error: could not install .config/{PROJECT_REQUIREMENTS}: ")
    assert "typing-extensions" in error and "conflicting dependencies" in error, error


def test_a_package_from_source_is_built_once_and_its_output_kept(project: Project, tmp_path: Path) -> None:
    """A source distribution's build (its setup.py, here a backend of its own) runs when the environment is built,
    once, and never for a run that finds it built, nor for a new environment (pip keeps the wheel); the gate says
    which packages it built and where their output is."""
    wheels, hooks = tmp_path / "wheels", tmp_path / "hooks.log"
    module = '"""Local dependency."""\n\nVALUE = 41\n'
    sdist = build_sdist(wheels, "localdep", "1.0", {"localdep/__init__.py": module, "localdep/py.typed": ""})
    requirements = project.root / ".config" / PROJECT_REQUIREMENTS
    requirements.write_text(pinned(sdist, "localdep", "1.0"), encoding="utf-8")
    env = {**offline(wheels), "BACKEND_LOG": str(hooks), "PIP_CACHE_DIR": str(tmp_path / "pip-cache")}
    first = project.gate("run-all", env=env)
    assert first.returncode == 0, said(first)
    built = hooks.read_text(encoding="utf-8").splitlines()
    assert built.count("build_wheel") == 1, built
    notice = next(line for line in first.stderr.splitlines() if line.startswith("built from source"))
    assert ": localdep; the build's output is in " in notice, notice
    assert "building localdep from its source" in Path(notice.rsplit(" is in ", 1)[1]).read_text(encoding="utf-8")
    assert project.gate("run-all", env=env).returncode == 0
    requirements.write_text("# another environment\n" + requirements.read_text(encoding="utf-8"), encoding="utf-8")
    again = project.gate("run-all", env=env)
    assert again.returncode == 0 and "installing" in again.stderr, said(again)
    assert "built from source" not in again.stderr, said(again)
    assert hooks.read_text(encoding="utf-8").splitlines() == built, "not built again"
