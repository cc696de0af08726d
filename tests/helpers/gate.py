"""The local front door as a user starts it, and project trees to start it on."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from .paths import CONFIG, PIPELINE_SRC


def gate_command(*args: str, cache: Path, **env: str) -> tuple[list[str], dict[str, str]]:
    """`python -m quality_gate ARGS --cache-dir CACHE` with the interpreter that has the pinned tools, and its env."""
    environment = {**os.environ, "PYTHONPATH": str(PIPELINE_SRC), **env}
    return [sys.executable, "-P", "-m", "quality_gate", *args, "--cache-dir", str(cache)], environment


def make_project(root: Path, files: Mapping[str, str]) -> Path:
    """A project root with these files (relative path: text) and a copy of the gate's configuration."""
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    shutil.copytree(CONFIG, root / ".config")
    return root


def run_gate(
    cwd: Path, *args: str, cache: Path, timeout: float = 300, env: Mapping[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """The local front door started in `cwd`, run to its end (with `env` added to its environment)."""
    argv, environment = gate_command(*args, cache=cache, **(env or {}))
    return subprocess.run(argv, cwd=cwd, env=environment, capture_output=True, text=True, check=False, timeout=timeout)


def said(done: subprocess.CompletedProcess[str]) -> str:
    """Exit code and both streams, for assertion messages."""
    return f"exit {done.returncode}\n--- stdout\n{done.stdout}\n--- stderr\n{done.stderr}"


@dataclass(frozen=True)
class Project:
    """A project root (with a copy of the gate's .config/) and the cache directory the gate uses for it."""

    root: Path
    cache: Path

    @classmethod
    def create(cls, base: Path, files: Mapping[str, str]) -> Project:
        """The files under base/project, the cache in base/cache."""
        return cls(make_project(base / "project", files), base / "cache")

    def gate(
        self, *args: str, timeout: float = 300, env: Mapping[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        """`python -P -m quality_gate ...` from the project root, as `make local-...` runs it (`env` added)."""
        return run_gate(self.root, *args, cache=self.cache, timeout=timeout, env=env)

    def tool(self, *args: str) -> subprocess.CompletedProcess[str]:
        """A tool called directly from the project root, its caches kept out of the tree."""
        env = {
            **os.environ,
            "MYPY_CACHE_DIR": str(self.cache / "direct-mypy"),
            "RUFF_CACHE_DIR": str(self.cache / "direct-ruff"),
            "BLACK_CACHE_DIR": str(self.cache / "direct-black"),
            "PYLINTHOME": str(self.cache / "direct-pylint"),
        }
        command = [sys.executable, "-P", "-m", *args]
        return subprocess.run(command, cwd=self.root, env=env, capture_output=True, text=True, check=False)
