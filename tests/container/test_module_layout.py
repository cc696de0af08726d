"""dagger.json and .pipeline/ as `dagger init --sdk=python --source=.pipeline` lays them out, typed against 0.21.11."""

# Test names say what each test proves.
# pylint: disable=missing-function-docstring

from __future__ import annotations

import importlib.metadata
import json
import subprocess
import sys
import tomllib
from pathlib import Path

from helpers.paths import REPO as ROOT

PIPELINE = ROOT / ".pipeline"
DAGGER_VERSION = "0.21.11"


def test_dagger_json_names_the_module_engine_sdk_and_source() -> None:
    manifest = json.loads((ROOT / "dagger.json").read_text(encoding="utf-8"))
    assert manifest == {
        "name": "quality-gate",
        "engineVersion": f"v{DAGGER_VERSION}",
        "sdk": {"source": "python"},
        "source": ".pipeline",
        "include": [".config/**"],  # the shipped configuration, loaded with the module (quality_gate.defaults)
    }


def test_pyproject_mirrors_the_generated_one() -> None:
    project = tomllib.loads((PIPELINE / "pyproject.toml").read_text(encoding="utf-8"))
    assert project["project"]["name"] == "quality-gate"
    assert project["project"]["dependencies"][0] == "dagger-io", "then what the module imports besides"
    assert project["build-system"]["build-backend"] == "uv_build"
    assert project["tool"]["uv"]["sources"]["dagger-io"] == {"path": "sdk", "editable": True}


def test_runtime_python_is_313_through_python_version() -> None:
    assert (PIPELINE / ".python-version").read_text(encoding="utf-8").strip() == "3.13"


def test_lock_is_committed_and_locks_the_vendored_sdk() -> None:
    """dagger-io is the engine's vendored source tree (version 0.0.0 there); test_lock.py checks it with uv."""
    lock = tomllib.loads((PIPELINE / "uv.lock").read_text(encoding="utf-8"))
    packages = {package["name"]: package for package in lock["package"]}
    assert packages["quality-gate"]["source"] == {"editable": "."}
    assert packages["dagger-io"]["source"] == {"editable": "sdk"}
    assert packages["dagger-io"]["version"] == "0.0.0"


def test_ignores_and_attributes_as_generated() -> None:
    ignored = (PIPELINE / ".gitignore").read_text(encoding="utf-8").split()
    assert {"/sdk", "/.venv", "/**/__pycache__", "/.env"} <= set(ignored)
    assert "/sdk/** linguist-generated" in (PIPELINE / ".gitattributes").read_text(encoding="utf-8")


def test_sdk_is_not_committed() -> None:
    tracked = subprocess.run(
        ["git", "ls-files", ".pipeline/sdk"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    assert tracked == ""


def test_package_exports_the_main_object_for_the_runtime() -> None:
    """The runtime loads `quality_gate:QualityGate`, the PascalCase of the module name."""
    import quality_gate  # pylint: disable=import-outside-toplevel
    from quality_gate.container import module as main  # pylint: disable=import-outside-toplevel

    assert quality_gate.QualityGate is main.QualityGate, "the lazy export is the module's main object"
    assert hasattr(main.QualityGate, "__dagger_module__"), "made a Dagger object type by @object_type"


def test_local_runner_does_not_import_the_sdk() -> None:
    code = "import sys, quality_gate.cli.main; print('dagger' in sys.modules)"
    done = subprocess.run(
        [sys.executable, "-c", code],
        env={"PYTHONPATH": str(PIPELINE / "src")},
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.strip() == "False"


def test_module_is_mypy_strict_against_the_pinned_sdk(tmp_path: Path) -> None:
    assert importlib.metadata.version("dagger-io") == DAGGER_VERSION
    strict = ["--strict", "--python-version", "3.13", "--cache-dir", str(tmp_path)]
    done = subprocess.run(
        [sys.executable, "-m", "mypy", *strict, str(PIPELINE / "src")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
