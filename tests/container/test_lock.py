"""The committed .pipeline/uv.lock is the one the Dagger runtime keeps: `uv lock --check --offline` passes.

On module load the 0.21 Python runtime vendors the SDK's source tree into .pipeline/sdk and runs a
plain `uv lock` with its own uv (0.10.3). When the committed lock does not match what uv reads from
that tree, uv resolves again: the pins are not honoured and the first load needs PyPI. So the test
lays the module out as the runtime does (helpers/runtime_env.py says what its sdk/ holds, and why),
and asks that uv, offline and with an empty cache, whether the lock is current.
"""

# Test names say what each test proves; pytest fixtures arrive as parameters named like the fixture.
# pylint: disable=missing-function-docstring,redefined-outer-name

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from helpers.runtime_env import (
    PIPELINE,
    RUNTIME_UV,
    SDK_VERSION,
    SOURCE_TREE_VERSION,
    lay_out,
    run_uv,
    uv,
    uv_env,
)


def lock_check(module: Path, cache: Path) -> subprocess.CompletedProcess[str]:
    """`uv lock --check --offline`, with an empty cache and no user or system uv configuration."""
    return run_uv(module, uv_env(cache), "lock", "--check", "--offline", "--python", sys.executable)


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
