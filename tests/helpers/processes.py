"""A look at processes through /proc: the tools the gate starts, and anything a test left running."""

from __future__ import annotations

import contextlib
import os
import signal
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest

from .paths import TOOLS


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


# Every process the suite starts inherits this variable, however far down it is and whoever its parent is now.
MARK = "QUALITY_GATE_TEST_SESSION"
os.environ.setdefault(MARK, uuid.uuid4().hex)


def marked_processes() -> list[tuple[int, str]]:
    """Processes other than this one that carry the session's mark: (pid, command line)."""
    token = f"{MARK}={os.environ[MARK]}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if token in (entry / "environ").read_bytes().split(b"\0"):
                state = (entry / "stat").read_text(encoding="utf-8").rsplit(")", 1)[1].split()[0]
                if state != "Z":
                    cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
                    found.append((int(entry.name), cmdline.strip()))
        except OSError:  # gone meanwhile, or not ours to read
            continue
    return found


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Fail the run if anything the tests started still runs a few seconds after the last test."""
    del exitstatus
    if not Path("/proc").is_dir() or hasattr(session.config, "workerinput"):
        return  # a pytest-xdist worker: the controller looks once every worker has ended
    deadline = time.monotonic() + 5
    while (left := marked_processes()) and time.monotonic() < deadline:
        time.sleep(0.2)
    if left:
        for pid, _ in left:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        lines = "\n".join(f"  {pid}: {cmdline[:200]}" for pid, cmdline in left)
        session.config.get_terminal_writer().line(
            f"\nprocesses left behind by the tests (now killed):\n{lines}", red=True
        )
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
