"""Files with Windows (CRLF) or old Mac (CR alone) line ends: black writes their diffs with those line ends.

Both local runs (plain black, and the incremental driver, cold and warm) must report what
`python -m black --check --diff` reports when run directly: the same files, each at the first line black
changes; and `fix` must count them before and after.
"""

# Test names say what each test proves.
# pylint: disable=missing-function-docstring

from __future__ import annotations

import difflib
import re
import subprocess
import sys
from pathlib import Path

import anyio
import pytest
from helpers.gate import Project, said
from helpers.paths import CONFIG
from quality_gate.app import run as gate
from quality_gate.checks import CHECKS
from quality_gate.commands import Layout
from quality_gate.findings import Verdict
from quality_gate.local.runner import LocalRunner

FILES: dict[str, bytes] = {
    "src/lf.py": b"x = 1\ny=2\n",
    "src/crlf.py": b'"""Windows."""\r\n\r\nVALUE = 1\r\n\r\n\r\ndef f( a ):\r\n    return  a\r\n',
    "src/cr.py": b"x = 1\ry = 2\rz=3\r",
    "src/crlf_clean.py": b'"""Formatted, with Windows line ends."""\r\n\r\nVALUE = {"a": 1}\r\n',
    "src/crlf_last.py": b"x = 1\r\ny = [1,\r\n  2]",
}
WOULD_REFORMAT = re.compile(r"^would reformat (?P<path>.+)$", re.MULTILINE)


def write(root: Path, files: dict[str, bytes]) -> None:
    for name, data in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def black_directly(project: Project) -> list[tuple[str, int]]:
    """`python -m black --check --diff` from the project's root: the files it names, each at the first line
    its formatting changes (black's own formatting of the file, compared line by line)."""
    config = str(project.root / ".config" / "black.toml")
    done = project.tool("black", "--check", "--diff", "--config", config, "src")
    assert done.returncode == 1, done.stderr
    found = []
    for match in WOULD_REFORMAT.finditer(done.stderr):
        path = Path(match["path"]).resolve().relative_to(project.root).as_posix()
        original = (project.root / path).read_bytes()
        formatted = subprocess.run(
            [sys.executable, "-m", "black", "--config", config, "--quiet", "-"],
            input=original,
            capture_output=True,
            check=True,
        ).stdout
        before, after = original.decode().splitlines(), formatted.decode().splitlines()
        matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
        first = next(op for op in matcher.get_opcodes() if op[0] != "equal")
        found.append((path, first[1] + 1))
    return sorted(found)


@pytest.mark.parametrize("incremental", [False, True], ids=["plain-black", "incremental-driver"])
def test_black_reads_crlf_and_cr_files_as_black_does(tmp_path: Path, incremental: bool) -> None:
    project = Project.create(tmp_path, {})
    write(project.root, FILES)
    expected = black_directly(project)
    assert {path for path, _ in expected} == {"src/lf.py", "src/crlf.py", "src/cr.py", "src/crlf_last.py"}
    runner = LocalRunner(
        Layout(source="src", config=str(CONFIG), workdir=str(project.root)), project.cache, incremental=incremental
    )
    for run in ("cold", "warm"):
        result = anyio.run(gate.run_check, runner, CHECKS["black"])
        assert result.verdict is Verdict.FAILED, (run, result.outcome.headline)
        assert sorted((f.path, f.line) for f in result.findings) == expected, run
        assert "\r" not in result.outcome.output, "the diffs are shown with plain line ends"
        assert "-    return  a\n" in result.outcome.output and "+    return a\n" in result.outcome.output


def test_fix_counts_a_crlf_file_before_and_keeps_its_line_ends(tmp_path: Path) -> None:
    project = Project.create(tmp_path, {})
    write(project.root, {"src/crlf.py": FILES["src/crlf.py"]})
    done = project.gate("fix", "--yes")
    assert done.returncode == 0, said(done)
    assert re.search(r"^black\s+1\s+0\s+0$", done.stdout, re.MULTILINE), said(done)
    fixed = (project.root / "src" / "crlf.py").read_bytes()
    assert fixed.endswith(b"def f(a):\r\n    return a\r\n") and b"\n" not in fixed.replace(b"\r\n", b""), fixed
