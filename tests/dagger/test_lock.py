"""The committed .pipeline/uv.lock is the one the Dagger runtime keeps: `uv lock --check --offline` passes.

On module load the 0.21 Python runtime vendors the SDK's source tree into .pipeline/sdk and runs a
plain `uv lock` with its own uv (0.10.3). When the committed lock does not match what uv reads from
that tree, uv resolves again: the pins are not honoured and the first load needs PyPI. So the test
lays the module out as the runtime does, from the dagger-io sdist (`make test-tools` fetches it,
hash-checked), and asks that uv, offline and with an empty cache, whether the lock is current.

What the runtime's sdk/ holds, and why each part is here:
- the SDK's pyproject.toml with version 0.0.0: the engine ships its source tree, where the version
  is 0.0.0; only the publication to PyPI stamps the release number into the sdist;
- src/**/*.py and *.typed, README.md, LICENSE (the runtime's include list; none matters to uv);
- codegen/pyproject.toml: the SDK's pyproject makes `codegen` a workspace member and a `dev`
  dependency, so uv needs the member's project file. The sdist does not carry it; a minimal one
  stands in (the lock records only its name and path, checked below).
"""

# Test names say what each test proves; pytest fixtures arrive as parameters named like the fixture.
# pylint: disable=missing-function-docstring,redefined-outer-name

from __future__ import annotations

import importlib.metadata
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tomllib
from pathlib import Path

import pytest
from helpers.paths import REPO as ROOT

PIPELINE = ROOT / ".pipeline"
SDIST_DIR = ROOT / ".tools" / "dagger-io-sdist"
RUNTIME_UV = "0.10.3"  # sdk/python/runtime/images/uv/Dockerfile of Dagger 0.21
SOURCE_TREE_VERSION = "0.0.0"
SDK_VERSION = importlib.metadata.version("dagger-io")
CODEGEN_STAND_IN = '[project]\nname = "codegen"\nversion = "0.0.0"\n'


def uv() -> str:
    found = shutil.which("uv", path=str(Path(sys.executable).parent))
    assert found, "uv is installed with tests/requirements.txt"
    return found


def sdist() -> Path:
    archive = SDIST_DIR / f"dagger_io-{SDK_VERSION}.tar.gz"
    if not archive.is_file():
        pytest.fail(f"{archive.relative_to(ROOT)} is missing: run `make test-tools` (make test does it)")
    return archive


def vendored_member(name: str) -> bool:
    """Whether the engine's vendored sdk/ holds this sdist member (its include list, less what it drops)."""
    if name in {"pyproject.toml", "README.md", "LICENSE"}:
        return True
    dropped = name.startswith(("src/dagger/_engine/", "src/dagger/provisioning/"))
    return name.startswith("src/") and name.endswith((".py", ".typed")) and not dropped


def lay_out(module: Path, lock: str) -> None:
    """The module as the runtime sees it: our pyproject, .python-version, source and lock, and sdk/."""
    module.mkdir(parents=True)
    for name in ("pyproject.toml", ".python-version"):
        shutil.copy2(PIPELINE / name, module / name)
    shutil.copytree(PIPELINE / "src", module / "src", ignore=shutil.ignore_patterns("__pycache__"))
    (module / "uv.lock").write_text(lock, encoding="utf-8")
    sdk = module / "sdk"
    prefix = f"dagger_io-{SDK_VERSION}/"
    with tarfile.open(sdist()) as archive:
        for member in archive.getmembers():
            name = member.name.removeprefix(prefix)
            if member.isfile() and vendored_member(name):
                target = sdk / name
                target.parent.mkdir(parents=True, exist_ok=True)
                extracted = archive.extractfile(member)
                assert extracted is not None
                target.write_bytes(extracted.read())
    project = (sdk / "pyproject.toml").read_text(encoding="utf-8")
    stamped = f'\nversion = "{SDK_VERSION}"\n'
    assert project.count(stamped) == 1, "the sdist's pyproject carries its release number once"
    (sdk / "pyproject.toml").write_text(project.replace(stamped, f'\nversion = "{SOURCE_TREE_VERSION}"\n'))
    (sdk / "codegen").mkdir()
    (sdk / "codegen" / "pyproject.toml").write_text(CODEGEN_STAND_IN, encoding="utf-8")


def lock_check(module: Path, cache: Path) -> subprocess.CompletedProcess[str]:
    """`uv lock --check --offline`, with an empty cache and no user or system uv configuration."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("UV_")}
    env.update({"UV_CACHE_DIR": str(cache), "UV_NO_CONFIG": "1", "UV_PYTHON_DOWNLOADS": "never"})
    command = [uv(), "lock", "--check", "--offline", "--python", sys.executable]
    return subprocess.run(command, cwd=module, env=env, capture_output=True, text=True, check=False, timeout=120)


@pytest.fixture(scope="module")
def committed_lock() -> str:
    return (PIPELINE / "uv.lock").read_text(encoding="utf-8")


def test_uv_is_the_runtimes() -> None:
    done = subprocess.run([uv(), "--version"], capture_output=True, text=True, check=True)
    assert done.stdout.split()[:2] == ["uv", RUNTIME_UV]


def test_the_committed_lock_is_current_for_the_runtimes_layout(tmp_path: Path, committed_lock: str) -> None:
    lay_out(tmp_path / "module", committed_lock)
    done = lock_check(tmp_path / "module", tmp_path / "empty-cache")
    assert done.returncode == 0, done.stdout + done.stderr
    assert not any((tmp_path / "empty-cache").rglob("*.whl")), "nothing was downloaded"


def test_a_lock_without_the_sdks_dev_group_would_be_resolved_again(tmp_path: Path, committed_lock: str) -> None:
    """The control: the lock as it was before, without requires-dev for dagger-io, fails the same check."""
    without = re.sub(r"\n\[package\.metadata\.requires-dev\]\ndev = \[\n(?:    .*\n)*\]\n", "\n", committed_lock)
    assert without != committed_lock
    lay_out(tmp_path / "module", without)
    done = lock_check(tmp_path / "module", tmp_path / "empty-cache")
    assert done.returncode != 0
    assert "network was disabled" in done.stderr or "needs to be updated" in done.stderr, done.stderr


def test_a_lock_of_the_released_version_would_be_resolved_again(tmp_path: Path, committed_lock: str) -> None:
    """The control: locking dagger-io at its PyPI number, as the sdist alone says, does not match the engine."""
    released = committed_lock.replace(
        f'name = "dagger-io"\nversion = "{SOURCE_TREE_VERSION}"', f'name = "dagger-io"\nversion = "{SDK_VERSION}"'
    )
    assert released != committed_lock
    lay_out(tmp_path / "module", released)
    done = lock_check(tmp_path / "module", tmp_path / "empty-cache")
    assert done.returncode != 0
    assert "network was disabled" in done.stderr or "needs to be updated" in done.stderr, done.stderr


def test_the_lock_records_the_sdks_dev_group_and_codegen_by_path_only(committed_lock: str) -> None:
    lock = tomllib.loads(committed_lock)
    (sdk,) = [package for package in lock["package"] if package["name"] == "dagger-io"]
    assert sdk["source"] == {"editable": "sdk"}
    assert sdk["version"] == SOURCE_TREE_VERSION
    dev = {entry["name"]: entry for entry in sdk["metadata"]["requires-dev"]["dev"]}
    assert dev["codegen"] == {"name": "codegen", "editable": "sdk/codegen"}, "nothing of the stand-in's own text"
    assert "codegen" not in {
        package["name"] for package in lock["package"]
    }, "a dev group of a dependency is not locked"
