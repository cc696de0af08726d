"""A sample project with planted findings: every tool finds something, some of it fixable."""

from __future__ import annotations

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
