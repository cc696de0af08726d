"""A sample project with planted findings, and the local front door to run on it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Every tool finds something here; some of it each tool can fix, some nobody can.
PLANTED = {
    "src/app.py": '''"""Sample module with planted findings."""

import sys
import os
from pathlib import Path


def add(a: int, b: int) -> int:
    """Add."""
    return a+b


def shout(text):
    """Shout."""
    return text.upper()


def length(path: Path) -> str:
    """Length of a file."""
    return len(path.read_text(encoding="utf-8"))
''',
    "src/clean.py": '''"""A module nothing is wrong with."""


def double(number: int) -> int:
    """Twice the number."""
    return number * 2
''',
    "src/notes.txt": "not python, never touched\n",
}


@dataclass(frozen=True)
class Project:
    """A project root with src/ and a copy of the gate's .config/."""

    root: Path
    cache: Path

    def gate(self, *args: str) -> subprocess.CompletedProcess[str]:
        """`python -m quality_gate ...` from the project root, as `make local-...` runs it."""
        env = {**os.environ, "PYTHONPATH": str(ROOT / ".pipeline" / "src")}
        command = [sys.executable, "-P", "-m", "quality_gate", *args, "--cache-dir", str(self.cache)]
        return subprocess.run(command, cwd=self.root, env=env, capture_output=True, text=True, check=False)

    def tool(self, *args: str) -> subprocess.CompletedProcess[str]:
        """A tool called directly, its caches kept out of the tree."""
        env = {
            **os.environ,
            "MYPY_CACHE_DIR": str(self.cache / "direct-mypy"),
            "RUFF_CACHE_DIR": str(self.cache / "direct-ruff"),
            "BLACK_CACHE_DIR": str(self.cache / "direct-black"),
            "PYLINTHOME": str(self.cache / "direct-pylint"),
        }
        command = [sys.executable, "-m", *args]
        return subprocess.run(command, cwd=self.root, env=env, capture_output=True, text=True, check=False)


def make_project(base: Path, files: dict[str, str]) -> Project:
    """Write the files under base/project and copy the gate's configuration beside them."""
    root = base / "project"
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    shutil.copytree(ROOT / ".config", root / ".config")
    return Project(root, base / "cache")
