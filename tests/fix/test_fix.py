"""The explicit fix: preview first, write only what it showed, verify after, undo exactly, never break code."""

# Test names say what each test proves.
# pylint: disable=missing-function-docstring

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from helpers.gate import Project, gate_command
from helpers.paths import REPO as ROOT
from helpers.users import as_normal_user, give_to_normal_user, normal_user_home
from quality_gate import disk
from quality_gate.cli import main as cli
from quality_gate.findings import Finding, Outcome, ToolResult, Verdict
from quality_gate.fix import local as local_fix
from quality_gate.fix import verify
from quality_gate.fix.fixers import FIXERS
from quality_gate.local import interrupts

UNFORMATTED = '"""Needs black."""\n\n\ndef add(a: int, b: int) -> int:\n    """Add."""\n    return a+b\n'
FORMATTED = UNFORMATTED.replace("a+b", "a + b")


def state(root: Path) -> dict[str, tuple[bytes, int, int]]:
    """Every file under root with its bytes, mode and modification time."""
    return {
        path.relative_to(root).as_posix(): (path.read_bytes(), path.stat().st_mode, path.stat().st_mtime_ns)
        for path in sorted(root.rglob("*"))
        if path.is_file() and not path.is_symlink() and "reports" not in path.parts
    }


def said(done: subprocess.CompletedProcess[str]) -> str:
    return f"exit {done.returncode}\n--- stdout\n{done.stdout}\n--- stderr\n{done.stderr}"


def test_without_a_terminal_and_without_yes_fix_shows_the_diff_and_writes_nothing(planted: Project) -> None:
    before = state(planted.root)
    done = planted.gate("fix")
    assert done.returncode == 1, said(done)
    assert "--- a/src/app.py" in done.stdout and "+    return a + b" in done.stdout, "the diff is shown"
    assert "nothing was written; run `fix --yes`" in done.stdout
    assert state(planted.root) == before, "not one byte, not one time stamp"


def test_fix_yes_writes_exactly_what_the_preview_showed(planted: Project) -> None:
    shown = planted.gate("fix").stdout
    before = state(planted.root)
    done = planted.gate("fix", "--yes")
    assert done.returncode == 0, said(done)
    after = state(planted.root)
    assert {name for name in before if after[name] != before[name]} == {"src/app.py"}
    assert set(after) == set(before), "no file created or removed"
    assert shown.split("fix: ")[0] in done.stdout, "the same diff"
    assert "fix verified: no tool has a finding it did not have before" in done.stdout
    assert after["src/app.py"][1] == before["src/app.py"][1], "the mode is kept"


def test_a_module_that_re_exports_names_keeps_its_imports(tmp_path: Path) -> None:
    """requests' compat.py imports names only for other modules: ruff's F401 fix would remove them."""
    files = {
        "src/pkg/__init__.py": '"""Package."""\n',
        "src/pkg/compat.py": '"""Names for the others."""\n\nfrom json import JSONDecodeError\nimport os\n',
        "src/pkg/user.py": '"""User."""\n\nfrom pkg.compat import JSONDecodeError\n\nERRORS = (JSONDecodeError,)\n',
        "src/pkg/ugly.py": UNFORMATTED,
    }
    project = Project.create(tmp_path, files)
    before = (project.root / "src" / "pkg" / "compat.py").read_bytes()
    done = project.gate("fix", "--yes")
    assert done.returncode == 0, said(done)
    assert (project.root / "src" / "pkg" / "compat.py").read_bytes() == before
    assert (project.root / "src" / "pkg" / "ugly.py").read_text(encoding="utf-8") == FORMATTED
    imported = subprocess.run(
        [sys.executable, "-c", "import pkg.user"], cwd=project.root / "src", capture_output=True, check=False
    )
    assert imported.returncode == 0, imported.stderr


def test_a_fix_that_brings_in_a_finding_is_reported_and_exits_2(tmp_path: Path) -> None:
    """black puts two string literals on one line; pylint then reports implicit-str-concat (as on click 8.5.1)."""
    joined = '"""Message."""\n\nMESSAGE = (\n    "first part "\n    "second part"\n)\n'
    project = Project.create(tmp_path, {"src/message.py": joined})
    done = project.gate("fix", "--yes")
    assert done.returncode == 2, said(done)
    assert "src/message.py:3:1: pylint W1404: Implicit string concatenation" in done.stdout, said(done)
    assert "the fix made things worse" in done.stderr and "fix --undo" in done.stderr


def test_undo_restores_the_last_fix_exactly(planted: Project) -> None:
    (planted.root / "src" / "app.py").chmod(0o640)
    before = {name: (data, mode) for name, (data, mode, _) in state(planted.root).items()}
    assert planted.gate("fix", "--yes").returncode == 0
    assert (planted.root / "src" / "app.py").read_bytes() != before["src/app.py"][0]
    done = planted.gate("fix", "--undo")
    assert done.returncode == 0, said(done)
    assert "1 file(s) restored: src/app.py" in done.stdout
    assert {name: (data, mode) for name, (data, mode, _) in state(planted.root).items()} == before
    again = planted.gate("fix", "--undo")
    assert again.returncode == 2 and "nothing to undo" in again.stderr


def test_undo_leaves_a_file_edited_since_the_fix(planted: Project) -> None:
    assert planted.gate("fix", "--yes").returncode == 0
    (planted.root / "src" / "app.py").write_text("# my own edit\n", encoding="utf-8")
    done = planted.gate("fix", "--undo")
    assert done.returncode == 2 and "changed since the fix, left as they are: src/app.py" in done.stderr
    assert (planted.root / "src" / "app.py").read_text(encoding="utf-8") == "# my own edit\n"


def test_a_link_is_never_written_through(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    (outside / "pkg").mkdir(parents=True)
    (outside / "lib.py").write_text(UNFORMATTED, encoding="utf-8")
    (outside / "pkg" / "mod.py").write_text(UNFORMATTED, encoding="utf-8")
    project = Project.create(tmp_path, {"src/own.py": UNFORMATTED})
    (project.root / "src" / "lib.py").symlink_to(outside / "lib.py")
    (project.root / "src" / "pkg").symlink_to(outside / "pkg")
    done = project.gate("fix", "--yes")
    assert (outside / "lib.py").read_text(encoding="utf-8") == UNFORMATTED
    assert (outside / "pkg" / "mod.py").read_text(encoding="utf-8") == UNFORMATTED
    assert (project.root / "src" / "own.py").read_text(encoding="utf-8") == FORMATTED
    assert "src/lib.py is a link or lies behind one: skipped" in done.stdout, said(done)
    assert "src/pkg/mod.py is a link or lies behind one: skipped" in done.stdout


def test_a_read_only_file_is_not_written_and_fix_says_so(tmp_path: Path) -> None:
    project = Project.create(tmp_path, {"src/locked.py": UNFORMATTED, "src/open.py": UNFORMATTED})
    (project.root / "src" / "locked.py").chmod(0o444)
    before = state(project.root)
    done = project.gate("fix", "--yes")
    assert done.returncode == 2, said(done)
    assert "src/locked.py is read-only: fix does not write it" in done.stderr
    assert state(project.root) == before, "nothing is written when part of the fix cannot be"


@pytest.fixture(name="user_home")
def fixture_user_home() -> Iterator[Path]:
    with normal_user_home() as home:
        yield home


@pytest.mark.parametrize("locked", ["src/sub", "src"])
def test_a_directory_fix_cannot_write_stops_it_before_the_first_write(user_home: Path, locked: str) -> None:
    """As a normal user (root writes into a mode-555 directory all the same): nothing is written, and the one
    line says which directory and what to do."""
    files = dict.fromkeys(("src/a.py", "src/b.py", "src/sub/c.py", "src/sub/d.py"), UNFORMATTED)
    project = Project.create(user_home, files)
    give_to_normal_user(project.root, project.cache)
    (project.root / locked).chmod(0o555)
    before = state(project.root)
    argv, env = gate_command("fix", "--yes", cache=project.cache)
    done = subprocess.run(
        as_normal_user(argv), cwd=project.root, env=env, capture_output=True, text=True, check=False, timeout=300
    )
    assert done.returncode == 2, said(done)
    assert done.stderr == (
        f"error: nothing was written: the directory {locked} is not writable for this user (fix writes each file "
        f"through a new file beside it): make it writable (chmod u+w {locked}) or run fix as its owner\n"
    ), said(done)
    assert state(project.root) == before, "not one file written"


def test_a_write_that_fails_says_what_was_written_and_how_to_undo(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The third file cannot be written after all (the disk filled up since the check): the two written are named,
    with the way back, and the undo puts them back."""
    project = Project.create(tmp_path, {f"src/m{index}.py": UNFORMATTED for index in range(4)})
    before = state(project.root)
    real_write = disk.write_whole
    calls: list[Path] = []

    def write_until_full(target: Path, data: bytes, mode: int) -> None:
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        calls.append(target)
        real_write(target, data, mode)

    monkeypatch.setattr(local_fix, "write_whole", write_until_full)
    monkeypatch.chdir(project.root)
    assert cli.main(["fix", "--yes", "--cache-dir", str(project.cache)]) == 2
    error = capsys.readouterr().err
    assert error == (
        "error: could not write src/m2.py (No space left on device); 2 of 4 file(s) were written: src/m0.py, "
        "src/m1.py; `quality-gate fix --undo` (make local-fix-undo) puts every file back\n"
    ), error
    assert cli.main(["fix", "--undo", "--cache-dir", str(project.cache)]) == 0
    assert {name: data for name, (data, _, _) in state(project.root).items()} == {
        name: data for name, (data, _, _) in before.items()
    }


def test_a_fixer_that_fails_makes_fix_exit_2_and_writes_nothing(tmp_path: Path) -> None:
    project = Project.create(tmp_path, {"src/broken.py": "def broken(:\n    pass\n", "src/ugly.py": UNFORMATTED})
    before = state(project.root)
    done = project.gate("fix", "--yes")
    assert done.returncode == 2, said(done)
    assert (
        "black could not fix every file: error: cannot parse for target version Python 3.13: src/broken.py"
        in done.stderr
    ), said(done)
    assert "+++" not in done.stdout, "no half-done diff"
    assert state(project.root) == before


def big_project(base: Path) -> Project:
    """Enough unformatted modules that the fixers are still at work a moment after they started."""
    body = "".join(f"\n\ndef f_{n}(value: int) -> int:\n    return value+{n}\n" for n in range(80))
    return Project.create(base, {f"src/pkg/mod_{index}.py": body for index in range(150)})


def fixer_sessions(pid: int) -> set[int]:
    sessions = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text(encoding="utf-8").rsplit(")", 1)[1].split()
                cmdline = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            if int(fields[1]) == pid and (b"ruff" in cmdline or b"black" in cmdline):
                sessions.add(int(fields[3]))
    return sessions


def alive_in(sessions: set[int]) -> list[str]:
    left = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text(encoding="utf-8").rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[3]) in sessions and fields[0] != "Z":
                left.append(entry.name)
    return left


@pytest.mark.parametrize(("stop", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_a_fix_stopped_by_a_signal_leaves_every_file_whole_and_no_fixer_running(
    tmp_path: Path, stop: signal.Signals, code: int
) -> None:
    project = big_project(tmp_path)
    before = state(project.root)
    env = {**os.environ, "PYTHONPATH": str(ROOT / ".pipeline" / "src")}
    argv = [sys.executable, "-P", "-m", "quality_gate", "fix", "--yes", "--cache-dir", str(project.cache)]
    with subprocess.Popen(argv, cwd=project.root, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as fix:
        deadline = time.monotonic() + 60
        while not (sessions := fixer_sessions(fix.pid)) and time.monotonic() < deadline:
            time.sleep(0.02)
        assert sessions, "the fixers never started"
        fix.send_signal(stop)
        _, stderr = fix.communicate(timeout=60)
    assert fix.returncode == code, stderr
    assert not alive_in(sessions), "a fixer is still running"
    assert state(project.root) == before, "stopped while previewing: nothing was written"


def signal_kept(run: Callable[[], int]) -> int:
    """run(), with this process's signal handlers put back after (the gate's replace them)."""
    handlers = {signum: signal.getsignal(signum) for signum in (signal.SIGINT, *interrupts.STOPPING)}
    try:
        return run()
    finally:
        for signum, handler in handlers.items():
            signal.signal(signum, handler)


@pytest.mark.parametrize(("stop", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_a_fix_interrupted_while_writing_leaves_each_file_as_it_was_or_as_fixed(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    stop: signal.Signals,
    code: int,
) -> None:
    """The signal (Ctrl-C or SIGTERM, really sent) lands while the third file is written: that file is finished
    and counted, the fourth untouched, the three written are named, and undo restores them."""
    project = Project.create(tmp_path, {f"src/m{index}.py": UNFORMATTED for index in range(4)})
    before = state(project.root)
    real_write = disk.write_whole
    calls: list[Path] = []

    def write_then_stop(target: Path, data: bytes, mode: int) -> None:
        calls.append(target)
        if len(calls) == 3:
            os.kill(os.getpid(), stop)
        real_write(target, data, mode)

    monkeypatch.setattr(local_fix, "write_whole", write_then_stop)
    monkeypatch.chdir(project.root)
    assert signal_kept(lambda: cli.main(["fix", "--yes", "--cache-dir", str(project.cache)])) == code
    out = capsys.readouterr().out
    written = ", ".join(path.relative_to(project.root).as_posix() for path in calls)
    assert f"fix: interrupted after writing 3 of 4 file(s): {written}\n" in out, out
    texts = {path.name: path.read_text(encoding="utf-8") for path in (project.root / "src").iterdir()}
    assert sorted(texts.values()) == [FORMATTED, FORMATTED, FORMATTED, UNFORMATTED]
    assert not [path for path in (project.root / "src").iterdir() if path.suffix != ".py"], "no temporary file left"
    assert cli.main(["fix", "--undo", "--cache-dir", str(project.cache)]) == 0
    assert {name: data for name, (data, _, _) in state(project.root).items()} == {
        name: data for name, (data, _, _) in before.items()
    }


def test_fix_on_a_clean_tree_writes_nothing(clean: Project) -> None:
    before = state(clean.root)
    done = clean.gate("fix", "--yes")
    assert done.returncode == 0, said(done)
    assert state(clean.root) == before
    assert "fix: nothing to fix" in done.stdout


def test_fixes_that_can_change_names_or_behaviour_are_reported_not_applied(tmp_path: Path) -> None:
    """ruff calls these fixes safe, but they remove a re-exported name (F401, F811), reorder imports and so
    their side effects (I001), or turn `is` into `==` (F632): the shipped rules keep them for a person."""
    risky = (
        '"""Risky to fix."""\n\nimport sys\nimport os\nfrom json import loads\nfrom json import loads\n\n\n'
        'def same(text: str) -> bool:\n    """Same."""\n    return text is "x"\n'
    )
    project = Project.create(tmp_path, {"src/risky.py": risky})
    reported = project.gate("ruff").stdout
    for rule in ("F401", "F811", "I001", "F632"):
        assert f": {rule} " in reported, reported
    done = project.gate("fix", "--yes")
    assert done.returncode == 0, said(done)
    assert (project.root / "src" / "risky.py").read_text(encoding="utf-8") == risky
    assert [fixer.tool.name for fixer in FIXERS] == ["ruff", "black"]


def test_verify_shows_a_tool_that_could_not_run_before_the_fix_as_such_not_as_0() -> None:
    broken = Outcome(Verdict.BROKEN, (), "", "black could not run: its output could not be read")
    finding = Finding("src/a.py", 1, 1, "black", "unformatted", "would reformat", "minor", "Style")
    before = [ToolResult("black", broken, 1, 0.0, 0.1)]
    after = [ToolResult("black", Outcome(Verdict.FAILED, (finding,), "", "black failed: 1 finding"), 1, 0.0, 0.1)]
    table = verify.compare(before, after).text().splitlines()
    assert table[1].split() == ["black", "-", "1", "1"], table
    assert "black could not run before the fix: each finding it has after it counts as new" in table


def test_verify_pairs_findings_one_for_one_by_what_not_by_line() -> None:
    """The finding the fix moved down is the one it had; a second one like it is new."""

    def unused(line: int) -> Finding:
        return Finding("src/a.py", line, 5, "ruff", "F841", "Local variable `x` is assigned to but never used", "major")

    before = [ToolResult("ruff", Outcome(Verdict.FAILED, (unused(3),), "", "ruff failed: 1 finding"), 1, 0.0, 0.1)]
    after = [
        ToolResult("ruff", Outcome(Verdict.FAILED, (unused(5), unused(9)), "", "ruff failed: 2 findings"), 1, 0.0, 0.1)
    ]
    verified = verify.compare(before, after)
    assert verified.rows == (("ruff", 1, 2, (unused(9),)),)
    assert verified.worse
