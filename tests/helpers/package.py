"""The gate as users install it: its wheel built from a copy of this checkout, installed offline from the wheelhouse
that `make test-tools` fills (the tools' pins and the build backend, hash-checked), never from an index."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from .paths import REPO

WHEELHOUSE = REPO / ".tools" / "wheels"
# Variables of the machine or the caller that would send pip, uv or pre-commit elsewhere (an index, a constraint,
# a cache in the home directory) or make the gate run the checkout's source instead of what was installed.
STEERING = ("PIP_", "UV_", "VIRTUALENV_", "PRE_COMMIT", "PYTHONPATH", "MYPYPATH", "XDG_CACHE_HOME")


def need_wheelhouse() -> Path:
    """The wheelhouse, or a skip that says how to fill it."""
    if not (WHEELHOUSE / ".downloaded").is_file():
        pytest.skip("no wheelhouse in .tools/wheels: `make test` fills it (make test-tools)")
    return WHEELHOUSE


def offline_env(home: Path) -> dict[str, str]:
    """An environment in which pip, uv and virtualenv find packages only in the wheelhouse, and every cache is
    under `home`: no index, no configuration file of the machine's, no download."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(STEERING)}
    env.update(
        {
            "PIP_CONFIG_FILE": os.devnull,  # the machine's pip.conf names indexes and a constraint file
            "PIP_NO_INDEX": "1",
            "PIP_FIND_LINKS": str(need_wheelhouse()),
            "PIP_NO_CACHE_DIR": "1",
            "PIP_DISABLE_PIP_VERSION_CHECK": "1",
            "UV_NO_CONFIG": "1",
            "UV_OFFLINE": "1",
            "UV_CACHE_DIR": str(home / "uv-cache"),
            "UV_TOOL_DIR": str(home / "uv-tools"),
            "UV_TOOL_BIN_DIR": str(home / "uv-bin"),
            "UV_PYTHON_DOWNLOADS": "never",
            "VIRTUALENV_OVERRIDE_APP_DATA": str(home / "virtualenv"),
            "VIRTUALENV_NO_PERIODIC_UPDATE": "1",
            "XDG_CACHE_HOME": str(home / "cache"),
        }
    )
    return env


def checkout_copy(destination: Path) -> tuple[Path, str]:
    """The files of this checkout that a clone would hold (tracked and new ones, as they are now, none that git
    ignores), committed in a repository of their own: the path and the commit, for `rev:` and `--from`."""
    listed = subprocess.run(
        ["git", "-C", str(REPO), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = REPO / name
        if source.is_file():  # a tracked file deleted in the work tree is not part of it
            (destination / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, destination / name)
    git = ["git", "-C", str(destination), "-c", "user.name=tests", "-c", "user.email=tests@example.invalid"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-q", "--no-verify", "-m", "the checkout under test"], check=True)
    commit = subprocess.run([*git, "rev-parse", "HEAD"], capture_output=True, text=True, check=True).stdout.strip()
    return destination, commit


def build_wheel(tree: Path, destination: Path, env: dict[str, str]) -> Path:
    """The gate's wheel, built by pip as `pipx install` builds it: the pinned backend in an isolated environment,
    installed from the wheelhouse."""
    argv = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--wheel-dir", str(destination), str(tree)]
    done = subprocess.run(argv, env=env, capture_output=True, text=True, check=False, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    (wheel,) = destination.glob("quality_gate-*.whl")
    return wheel


def fresh_venv(home: Path, wheel: Path, env: dict[str, str]) -> Path:
    """A new environment with the wheel and its dependencies, from the wheelhouse alone: its bin folder."""
    venv.EnvBuilder(with_pip=True).create(home)
    pip = [str(home / "bin" / "python"), "-m", "pip", "install", "--quiet", str(wheel)]
    done = subprocess.run(pip, env=env, capture_output=True, text=True, check=False, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    return home / "bin"
