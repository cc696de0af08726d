"""The whole suite: no test may leave a process of its own behind (a tool the gate should have stopped)."""

from __future__ import annotations

import os
import signal
import time
import uuid
from pathlib import Path

import pytest

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
    if not Path("/proc").is_dir():
        return
    deadline = time.monotonic() + 5
    while (left := marked_processes()) and time.monotonic() < deadline:
        time.sleep(0.2)
    if left:
        for pid, _ in left:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        lines = "\n".join(f"  {pid}: {cmdline[:200]}" for pid, cmdline in left)
        session.config.get_terminal_writer().line(
            f"\nprocesses left behind by the tests (now killed):\n{lines}", red=True
        )
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
