"""The tools run directly, without the gate: the oracle every finding of the gate is compared with."""

from __future__ import annotations

import difflib
import os
import re
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

from .paths import REPO

# (rule, path relative to the repository, line): how a finding is compared with the tool's own report.
Key = tuple[str, str, int]


def tool_env(cache: Path) -> dict[str, str]:
    """An environment for running a tool directly whose caches stay out of the source and of ~/.cache."""
    cache.mkdir(parents=True, exist_ok=True)
    return {
        **os.environ,
        "PYLINTHOME": str(cache / "pylint"),
        "BLACK_CACHE_DIR": str(cache / "black"),
        "MYPY_CACHE_DIR": str(cache / "mypy"),
        "RUFF_CACHE_DIR": str(cache / "ruff"),
        "PYTHONDONTWRITEBYTECODE": "1",
    }


def run_tool(args: list[str], env: Mapping[str, str], stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """`python -m <tool> ...` from the repository root, as the local runner runs it, but without our code."""
    return subprocess.run(
        [sys.executable, "-m", *args], cwd=REPO, env=dict(env), input=stdin, capture_output=True, text=True, check=False
    )


PYLINT_LINE = re.compile(r"^(?P<path>\S+?):(?P<line>\d+): \[(?P<rule>[A-Z]\d{4})\(", re.MULTILINE)

MYPY_LINE = re.compile(r"^(?P<path>\S+?):(?P<line>\d+): error: .*\[(?P<rule>[a-z-]+)\]$", re.MULTILINE)

RUFF_LINE = re.compile(r"^(?P<path>\S+?):(?P<line>\d+):\d+: (?P<rule>[A-Za-z][\w-]*):? ", re.MULTILINE)

BLACK_LINE = re.compile(r"^would reformat (?P<path>.+)$", re.MULTILINE)


def pylint_own(source: str, config: Path, env: Mapping[str, str]) -> tuple[int, list[Key], str]:
    """pylint's own parseable report: exit code, (message id, path, line) of each message, and its text."""
    done = run_tool(["pylint", "--rcfile", str(config / ".pylintrc"), "--output-format=parseable", source], env)
    return done.returncode, _keys(PYLINT_LINE, done.stdout), done.stdout


def mypy_own(source: str, config: Path, env: Mapping[str, str]) -> tuple[int, list[Key], str]:
    """mypy's own text report: exit code, (error code, path, line) of each error, and its text."""
    done = run_tool(["mypy", "--config-file", str(config / "mypy.ini"), source], env)
    return done.returncode, _keys(MYPY_LINE, done.stdout), done.stdout


def ruff_own(source: str, config: Path, env: Mapping[str, str]) -> tuple[int, list[Key], str]:
    """ruff's own concise report: exit code, (rule code, path, line) of each violation, and its text."""
    args = ["ruff", "check", "--config", str(config / "pyproject.toml"), "--output-format=concise", "--no-fix", source]
    done = run_tool(args, env)
    return done.returncode, _keys(RUFF_LINE, done.stdout), done.stdout


def black_own(source: str, config: Path, env: Mapping[str, str]) -> tuple[int, list[Key], str]:
    """black --check: exit code, each file it would reformat at the first line its formatting changes, and stderr."""
    done = run_tool(["black", "--check", "--config", str(config / "black.toml"), source], env)
    keys = []
    for match in BLACK_LINE.finditer(done.stderr):
        path = _repo_relative(match["path"].strip())
        keys.append(("unformatted", path, _first_line_black_changes(path, config, env)))
    return done.returncode, sorted(keys), done.stderr


OWN = {"pylint": pylint_own, "black": black_own, "mypy": mypy_own, "ruff": ruff_own}


def _first_line_black_changes(path: str, config: Path, env: Mapping[str, str]) -> int:
    """The first line of the file that differs from black's formatting of it (black reads stdin, writes stdout)."""
    original = (REPO / path).read_text(encoding="utf-8")
    done = run_tool(["black", "--config", str(config / "black.toml"), "--quiet", "-"], env, stdin=original)
    assert done.returncode == 0, done.stderr
    matcher = difflib.SequenceMatcher(a=original.splitlines(), b=done.stdout.splitlines(), autojunk=False)
    first = next(op for op in matcher.get_opcodes() if op[0] != "equal")
    return first[1] + 1


def _keys(pattern: re.Pattern[str], text: str) -> list[Key]:
    return sorted(
        (match["rule"], _repo_relative(match["path"]), int(match["line"])) for match in pattern.finditer(text)
    )


def _repo_relative(path: str) -> str:
    return Path(os.path.relpath(Path(REPO, path), REPO)).as_posix()
