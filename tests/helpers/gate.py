"""The local front door as a user starts it, and project trees to start it on."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from .paths import CONFIG, PIPELINE_SRC

# A project's code with something for each tool to find: pylint and ruff an unused import, black a dict to
# reformat, mypy an untyped function and a wrong assignment.
PLANTED = {
    "src/app.py": (
        '"""Planted."""\n\nimport os\n\nVALUES = {  "a":1}\n\n\n'
        'def shout(text):\n    """Shout."""\n    return text.upper()\n'
    ),
    "src/calc.py": (
        '"""Calc."""\n\n\ndef double(value: int) -> int:\n    """Double."""\n    return value * 2\n\n\n'
        "HALF: str = double(2)\n"
    ),
}


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


def report_keys(report: Path) -> set[tuple[str, str, str, int]]:
    """(tool, rule, path, first line) of each finding in a Code Quality report the gate wrote."""
    keys = set()
    for issue in json.loads(report.read_text(encoding="utf-8")):
        tool, rule = issue["check_name"].split(":", 1)
        keys.add((tool, rule, issue["location"]["path"], issue["location"]["lines"]["begin"]))
    return keys


def summary_rows(stdout: str) -> dict[str, list[str]]:
    """The summary table's rows by tool: its verdict, findings, seconds and config columns, as words."""
    lines = stdout.splitlines()
    start = next(index for index, line in enumerate(lines) if line.startswith("tool "))
    rows = {}
    for line in lines[start + 1 :]:
        if not line.strip():
            break
        rows[line.split()[0]] = line.split()[1:]
    return rows


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
        """`python -P -m quality_gate ...` from the project root: the checkout's code that `make local-...` runs as
        the installed `quality-gate` (`env` added)."""
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
