"""Bad input, signals, links and disk errors: the gate never hangs, crashes, leaves a tool running or loses a file."""

# Test names say what each test proves.
# pylint: disable=missing-function-docstring

from __future__ import annotations

import os
import re
import signal
import subprocess
import time
from pathlib import Path

import pytest
from helpers.gate import gate_command, make_project, run_gate, said
from helpers.processes import processes
from quality_gate.cli import main as cli

# What run-all writes on stderr as each tool ends (see cli/progress.py), without a terminal.
PROGRESS_LINE = re.compile(r"^(pylint|black|mypy|ruff) .+ \((\d+\.\d s|cached)\)$")

CLEAN = '"""Clean."""\n\n\ndef double(number: int) -> int:\n    """Twice."""\n    return number * 2\n'


def one_line_error(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 2, said(done)
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), said(done)
    assert "Traceback" not in done.stdout + done.stderr
    return lines[0]


def busy_project(root: Path) -> Path:
    """Enough modules that pylint is still at work a few seconds after it started."""
    files = {
        f"src/pkg/mod_{index}.py": "".join(
            f'\n\ndef f_{index}_{n}(value: int) -> int:\n    """F."""\n    return value + {n}\n' for n in range(60)
        )
        for index in range(60)
    }
    return make_project(root, {"src/pkg/__init__.py": '"""Pkg."""\n', **files})


def children_running_tools(pid: int) -> list[int]:
    return [p.session for p in processes() if p.ppid == pid and any(f"-m {t}" in p.cmdline for t in ("pylint", "mypy"))]


@pytest.mark.parametrize(("stop", "code", "said_line"), [
    (signal.SIGTERM, 143, "interrupted by SIGTERM: every tool was stopped"),
    (signal.SIGHUP, 129, "interrupted by SIGHUP: every tool was stopped"),
    (signal.SIGINT, 130, "interrupted: every tool was stopped"),
])  # fmt: skip
def test_a_signal_stops_every_tool_first(tmp_path: Path, stop: signal.Signals, code: int, said_line: str) -> None:
    root = busy_project(tmp_path / "p")
    argv, env = gate_command("run-all", "--no-cache", cache=tmp_path / "cache")
    with subprocess.Popen(argv, cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as gate_:
        deadline = time.monotonic() + 60
        while not (sessions := children_running_tools(gate_.pid)) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert sessions, "the tools never started"
        time.sleep(0.3)
        gate_.send_signal(stop)
        stdout, stderr = gate_.communicate(timeout=60)
    assert gate_.returncode == code, (stdout, stderr)
    *progress, last = stderr.splitlines()
    assert last == said_line, stderr
    assert all(PROGRESS_LINE.match(line) for line in progress), "before it, only the verdicts of tools that ended"
    left = [p for p in processes() if p.session in sessions]
    assert not left, left


def test_a_directory_link_to_its_own_ancestor_is_an_error_before_any_tool(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p", {"src/sub/mod.py": CLEAN})
    (root / "src" / "sub" / "up").symlink_to("..")
    for extra in ([], ["--no-cache"]):
        started = time.monotonic()
        line = one_line_error(run_gate(root, "run-all", *extra, cache=tmp_path / "cache", timeout=60))
        assert "src/sub/up is a link to a directory that contains it" in line
        assert time.monotonic() - started < 30


def test_other_directory_links_are_followed_as_the_tools_follow_them(tmp_path: Path) -> None:
    """mypy and black follow a directory link (pylint and ruff do not): what they read through it is an input."""
    root = make_project(tmp_path / "p", {"src/mod.py": CLEAN})
    shared = tmp_path / "outside-the-project"
    shared.mkdir()
    (shared / "util.py").write_text('VALUE: int = "one"\n', encoding="utf-8")
    (root / "src" / "linked").symlink_to(shared)
    done = run_gate(root, "mypy", cache=tmp_path / "cache")
    assert done.returncode == 1 and "src/linked/util.py" in done.stdout, said(done)
    (shared / "util.py").write_text("VALUE: int = 1\n", encoding="utf-8")  # an edit through the link
    again = run_gate(root, "mypy", cache=tmp_path / "cache")
    assert again.returncode == 0 and "(cached)" not in again.stdout, said(again)


def test_a_stuck_tool_is_stopped_at_the_time_limit(tmp_path: Path) -> None:
    """A FIFO named like a module: ruff opens it and waits forever; the gate's own walk never opens it."""
    root = make_project(tmp_path / "p", {"src/mod.py": CLEAN})
    os.mkfifo(root / "src" / "pipe.py")
    started = time.monotonic()
    done = run_gate(root, "ruff", "--timeout", "3", cache=tmp_path / "cache", timeout=60)
    assert time.monotonic() - started < 30
    assert done.returncode == 2, said(done)
    assert done.stdout.splitlines()[-1] == "ruff could not run: timed out after 3 s (--timeout SECONDS)"


@pytest.mark.parametrize("bad", ["0", "-1", "soon", "nan"])
def test_a_time_limit_that_is_not_a_positive_number_is_a_usage_error(tmp_path: Path, bad: str) -> None:
    done = run_gate(tmp_path, "ruff", f"--timeout={bad}", cache=tmp_path / "cache")
    assert done.returncode == 2 and "--timeout" in done.stderr and "Traceback" not in done.stderr, said(done)


@pytest.mark.parametrize(
    "files",
    [{"src/.venv/lib/mod.py": CLEAN}, {"src/pkg.py/readme.txt": "a directory named like a module\n"}],
    ids=["only-in-a-venv", "a-directory-named-pkg.py"],
)
def test_no_file_to_check_is_could_not_run_for_all_four(tmp_path: Path, files: dict[str, str]) -> None:
    root = make_project(tmp_path / "p", files)
    line = one_line_error(run_gate(root, "run-all", cache=tmp_path / "cache"))
    assert "no Python file under 'src'" in line


def test_a_stub_only_tree_is_checked_by_the_tools_that_read_stubs(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p", {"src/pkg/__init__.pyi": "def double(number: int) -> int: ...\n"})
    (root / "src").chmod(0o555)  # read-only: the checks never write into the source
    mypy = run_gate(root, "mypy", cache=tmp_path / "cache")
    assert mypy.returncode == 0 and mypy.stdout.splitlines()[-1] == "mypy passed: 0 findings", said(mypy)
    everything = run_gate(root, "run-all", cache=tmp_path / "cache")
    assert everything.returncode == 2, said(everything)
    assert "pylint could not run: no .py file to check in src" in everything.stdout
    assert everything.stdout.splitlines()[-1] == "gate failed: pylint (could not run)"


@pytest.mark.parametrize("taken", ["file", "report-name-is-a-directory"])
def test_an_output_that_cannot_take_the_reports_is_refused_before_any_tool(tmp_path: Path, taken: str) -> None:
    root = make_project(tmp_path / "p", {"src/mod.py": CLEAN})
    if taken == "file":
        (root / "out").write_text("a file\n", encoding="utf-8")
    else:
        (root / "out" / "junit.xml").mkdir(parents=True)
    line = one_line_error(run_gate(root, "report", "--output", "out", cache=tmp_path / "cache"))
    assert "--output out" in line
    assert not list((tmp_path / "cache").glob("projects/*/results/*.json")), "no tool ran"


def test_reports_replace_the_last_runs_set_whole(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p", {"src/mod.py": CLEAN})
    out = root / "out"
    out.mkdir()
    names = ["gl-code-quality-report.json", "junit.xml", "quality-gate.sarif", "summary.txt"]
    for name in names:
        (out / name).write_text("from the last run\n", encoding="utf-8")
    done = run_gate(root, "report", "--output", "out", cache=tmp_path / "cache")
    assert done.returncode == 0, said(done)
    assert sorted(path.name for path in out.iterdir()) == names
    assert all("from the last run" not in path.read_text(encoding="utf-8") for path in out.iterdir())
    assert oct((out / "junit.xml").stat().st_mode & 0o777) != oct(0o600), "a report is an ordinary file, not private"


def test_without_a_home_the_caches_go_to_a_private_temporary_directory(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p", {"src/mod.py": CLEAN})
    argv, env = gate_command("ruff", cache=tmp_path / "unused")
    argv = argv[: argv.index("--cache-dir")]
    for name in ("HOME", "XDG_CACHE_HOME"):
        env.pop(name, None)
    env["TMPDIR"] = str(tmp_path / "tmp")
    (tmp_path / "tmp").mkdir()
    done = subprocess.run(argv, cwd=root, env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, said(done)
    assert list((tmp_path / "tmp").glob(f"quality-gate-{os.getuid()}/projects/*/results/*.json"))


def test_a_closed_output_is_one_line_and_exit_2(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p", {"src/mod.py": "import os\n"})
    argv, env = gate_command("ruff", cache=tmp_path / "cache")
    with subprocess.Popen(argv, cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as closed:
        assert closed.stdout is not None and closed.stderr is not None
        closed.stdout.close()  # like `| head` that has already gone
        stderr = closed.stderr.read().decode()
    assert closed.returncode == 2, stderr
    assert stderr.splitlines() == ["error: the output was closed before the end (broken pipe)"], stderr


def test_an_unexpected_error_is_one_line_and_exit_2_unless_debugging(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(_: object) -> None:
        raise RuntimeError("something of ours broke")

    monkeypatch.setattr(cli, "set_up", broken)
    assert cli.main(["ruff", "--cache-dir", str(tmp_path)]) == 2
    assert capsys.readouterr().err.splitlines() == [
        "error: unexpected RuntimeError: something of ours broke (run with --debug for details)"
    ]
    with pytest.raises(RuntimeError, match="something of ours broke"):
        cli.main(["ruff", "--cache-dir", str(tmp_path), "--debug"])
