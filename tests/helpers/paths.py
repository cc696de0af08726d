"""Where things are: the repository, its fixtures and configuration; and a way to prove a tree unchanged."""

from __future__ import annotations

import hashlib
from pathlib import Path

from quality_gate.functions import all_checks

REPO = Path(__file__).resolve().parents[2]  # tests/helpers/paths.py

FIXTURES = REPO / "tests" / "fixtures"

CONFIG = REPO / ".config"

PIPELINE_SRC = REPO / ".pipeline" / "src"

TOOLS = tuple(check.name for check in all_checks())  # in the summary's order


def tree(name: str) -> str:
    """A fixture tree as the tools see it from the repository root, the runners' working directory."""
    return (FIXTURES / name).relative_to(REPO).as_posix()


def snapshot(root: Path) -> dict[str, str]:
    """Every file (by content hash) and directory under root, to prove that a run changed nothing."""
    entries: dict[str, str] = {}
    for path in sorted(root.rglob("*")):  # dot files and directories included
        content = "directory" if path.is_dir() else hashlib.sha256(path.read_bytes()).hexdigest()
        entries[path.relative_to(root).as_posix()] = content
    return entries


MAIN_PY = PIPELINE_SRC / "quality_gate" / "container" / "module.py"

# The tools' own environment (`make venv`): exactly .config/requirements.txt, as the Dagger toolbox installs it.
TOOLS_PYTHON = REPO / ".venv" / "bin" / "python"
