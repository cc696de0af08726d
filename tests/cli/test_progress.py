"""Live progress of run-all: each verdict as its tool ends (on stderr), and the table of verdicts last (on stdout)."""

# Test names say what each test proves.
# pylint: disable=missing-function-docstring

from __future__ import annotations

import io
import os
import pty
import re
import subprocess
import threading
import time
from pathlib import Path

import pytest
from helpers.gate import Project, gate_command, said
from quality_gate.cli.progress import Progress
from quality_gate.findings import Outcome, ToolResult, Verdict

PROGRESS_LINE = re.compile(r"^(?P<tool>pylint|black|mypy|ruff) (?P<verdict>passed|failed).* \((?P<seconds>[\d.]+) s\)$")


def slow_for_pylint(tmp_path: Path) -> Project:
    """pylint takes seconds here, ruff a fraction of one; pylint and ruff each find the unused import."""
    files = {
        f"src/pkg/mod_{index}.py": '"""Module."""\n'
        + "".join(f'\n\ndef f_{n}(value: int) -> int:\n    """F."""\n    return value + {n}\n' for n in range(40))
        for index in range(60)  # pylint needs well over a second here
    }
    return Project.create(tmp_path, {"src/pkg/__init__.py": '"""Pkg."""\n\nimport os\n', **files})


def test_without_a_terminal_each_verdict_comes_as_its_tool_ends_and_the_table_is_last(tmp_path: Path) -> None:
    project = slow_for_pylint(tmp_path)
    argv, env = gate_command("run-all", cache=project.cache)
    arrivals: list[tuple[float, str]] = []
    with subprocess.Popen(
        argv, cwd=project.root, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    ) as run:
        assert run.stdout is not None and run.stderr is not None
        stdout = threading.Thread(target=lambda: arrivals.append((0.0, run.stdout.read())) if run.stdout else None)
        stdout.start()
        for line in run.stderr:
            arrivals.append((time.monotonic(), line.rstrip("\n")))
        stdout.join(timeout=300)
        ended = time.monotonic()
        assert run.wait(timeout=300) == 1
    report = next(text for when, text in arrivals if when == 0.0)
    progress = [(when, PROGRESS_LINE.match(text)) for when, text in arrivals if when]
    assert all(match for _, match in progress) and len(progress) == 4, arrivals
    seconds = [float(match["seconds"]) for _, match in progress if match]
    assert seconds == sorted(seconds), "in the order the tools ended (they all start together)"
    assert ended - progress[0][0] > 1.0, "the first verdict came while pylint still ran, not at the end"
    lines = report.rstrip("\n").splitlines()
    assert "===== pylint =====" in report and "===== ruff =====" in report
    assert lines[-7:-2] == lines[:5], "the table again, after the failing tools' output"
    assert lines[-2:] == ["", "gate failed: pylint (failed), ruff (failed)"]


def on_a_terminal(project: Project, terminal: dict[str, str | None]) -> tuple[str, str]:
    """run-all with stderr on a pseudo-terminal and these variables set (None: unset): the screen, and stdout."""
    argv, env = gate_command("run-all", cache=project.cache)
    for name, value in terminal.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    main_fd, sub_fd = pty.openpty()
    with subprocess.Popen(argv, cwd=project.root, env=env, stdout=subprocess.PIPE, stderr=sub_fd, text=True) as run:
        os.close(sub_fd)
        chunks: list[bytes] = []
        while True:
            try:
                chunk = os.read(main_fd, 4096)
            except OSError:  # EIO: the other side is closed
                break
            if not chunk:
                break
            chunks.append(chunk)
        report, _ = run.communicate(timeout=300)
    os.close(main_fd)
    return b"".join(chunks).decode(errors="replace"), report


def test_on_a_terminal_each_tool_shows_running_with_its_seconds_then_its_verdict(tmp_path: Path) -> None:
    project = slow_for_pylint(tmp_path)
    screen, report = on_a_terminal(project, {"TERM": "xterm-256color", "NO_COLOR": None})
    assert re.search(r"pylint running [1-9]\d* s", screen), "a running tool counts its seconds"
    assert "\x1b[4F" in screen and "\x1b[2K" in screen, "the block of four lines is redrawn in place"
    last_block = screen.rsplit("\x1b[4F", 1)[-1]
    shown = [line.replace("\x1b[2K", "") for line in last_block.replace("\r", "").splitlines()]
    assert [PROGRESS_LINE.match(line)["tool"] for line in shown if PROGRESS_LINE.match(line)] == [  # type: ignore[index]
        "pylint",
        "black",
        "mypy",
        "ruff",
    ], shown
    assert report.rstrip("\n").splitlines()[-1] == "gate failed: pylint (failed), ruff (failed)"


@pytest.mark.parametrize(
    "terminal",
    [{"TERM": "dumb", "NO_COLOR": None}, {"TERM": None, "NO_COLOR": None}, {"TERM": "xterm-256color", "NO_COLOR": "1"}],
    ids=["TERM=dumb", "no-TERM", "NO_COLOR"],
)
def test_a_terminal_that_cannot_move_the_cursor_or_no_color_gets_plain_lines(
    tmp_path: Path, terminal: dict[str, str | None]
) -> None:
    project = Project.create(tmp_path, {"src/app.py": '"""App."""\n\nimport os\n'})
    screen, report = on_a_terminal(project, terminal)
    assert "\x1b" not in screen, repr(screen)
    lines = screen.replace("\r\n", "\n").splitlines()
    assert len(lines) == 4 and all(PROGRESS_LINE.match(line) for line in lines), lines
    assert report.rstrip("\n").splitlines()[-1] == "gate failed: pylint (failed), ruff (failed)"


def test_quiet_prints_only_the_table_and_the_verdict(tmp_path: Path) -> None:
    project = Project.create(tmp_path, {"src/app.py": '"""App."""\n\nimport os\n'})
    done = project.gate("run-all", "--quiet")
    assert done.returncode == 1, said(done)
    assert done.stderr == ""
    lines = done.stdout.rstrip("\n").splitlines()
    assert lines[0].split() == ["tool", "verdict", "findings", "seconds", "config"] and len(lines) == 7, done.stdout
    assert lines[5:] == ["", "gate failed: pylint (failed), ruff (failed)"]
    single = project.gate("ruff", "--quiet")
    assert single.stdout == "ruff failed: 1 finding\n", said(single)


def test_a_stream_that_cannot_be_written_never_stops_the_run() -> None:
    class Closed(io.StringIO):
        """A stream whose reader has gone."""

        def write(self, text: str) -> int:
            raise BrokenPipeError(text)

    progress = Progress(["ruff"], Closed(), live=False)
    progress.started("ruff")
    outcome = Outcome(Verdict.PASSED, (), "", "ruff passed")
    progress.finished(ToolResult("ruff", outcome, 0, 0.0, 0.1))
    assert progress.stream is None
