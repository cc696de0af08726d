"""What the core tests share: paths, tree snapshots, the tools run directly, and a look at child processes."""

from __future__ import annotations

import difflib
import hashlib
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures"
CONFIG = REPO / ".config"
PIPELINE_SRC = REPO / ".pipeline" / "src"
TOOLS = ("pylint", "black", "mypy", "ruff")

# (rule, path relative to the repository, line): how a finding is compared with the tool's own report.
Key = tuple[str, str, int]


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


@dataclass(frozen=True)
class Process:
    """One line of /proc: enough to tell who started a process and whether it is finished."""

    pid: int
    ppid: int
    session: int
    state: str
    cmdline: str


def processes() -> list[Process]:
    """Every process on the machine, read from /proc (psutil is not a dependency)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text(encoding="utf-8")
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
        except OSError:  # gone meanwhile
            continue
        state, ppid, _, session = stat.rsplit(")", 1)[1].split()[:4]
        found.append(Process(int(entry.name), int(ppid), int(session), state, cmdline))
    return found


def tool_children(modules: tuple[str, ...] = TOOLS) -> list[Process]:
    """This process's children that run a tool (`-m <tool>`) or wait as zombies: the local runner's subprocesses."""
    return [
        process
        for process in processes()
        if process.ppid == os.getpid()
        and (process.state == "Z" or any(f"-m {module} " in process.cmdline + " " for module in modules))
    ]


def left_in_sessions(sessions: set[int]) -> list[Process]:
    """What still runs in these sessions: each tool is a session leader, so its workers would show up here."""
    return [process for process in processes() if process.session in sessions]


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


def run_gate(cwd: Path, *args: str, cache: Path, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """The local front door started in `cwd`, run to its end."""
    argv, env = gate_command(*args, cache=cache)
    return subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, check=False, timeout=timeout)


def said(done: subprocess.CompletedProcess[str]) -> str:
    """Exit code and both streams, for assertion messages."""
    return f"exit {done.returncode}\n--- stdout\n{done.stdout}\n--- stderr\n{done.stderr}"
