"""Incremental black prints what black prints, file for file, after every kind of edit, and reuses what it can.

Every test runs the real black both ways (`python -m black` and the driver, with the check's own arguments)
on a tree it builds: the diffs (their two header times aside, which black takes from the clock and the file),
the status lines and the exit code must be equal. Bytes, not text: a CRLF file's diff keeps its line ends.
"""

# Test names say what each test proves.
# pylint: disable=missing-function-docstring

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from helpers.paths import CONFIG
from quality_gate.checks import CHECKS
from quality_gate.commands import Layout
from quality_gate.drivers import launch as driver
from quality_gate.drivers.black.memo import STATE_DIR
from quality_gate.local.runner import tool_environment

TIME = rb"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)?\+00:00"
HEADER = re.compile(
    rb"^--- (?P<path>[^\t]+)\t(?P<then>" + TIME + rb")(?P<nl>\r?\n)\+\+\+ (?P=path)\t" + TIME + rb"\r?\n", re.M
)

FILES: dict[str, bytes] = {
    "pkg/__init__.py": b'"""A package."""\n',
    "pkg/clean.py": b'"""Formatted."""\n\nVALUE = {"a": 1}\n',
    "pkg/messy.py": b"x = {  'a':37,'b':42,\n'c':927}\ny = 'hello ''world'\n",
    "pkg/windows.py": b"def f( a ):\r\n    return  a\r\n",
    "pkg/latin.py": "# -*- coding: latin-1 -*-\nname = 'caf\xe9'  ;  other=1\n".encode("latin-1"),
    "pkg/stub.pyi": b"def f( a:int )->int: ...\n\n\n\nclass C: ...\n",
    "pkg/broken.py": b"def f(:\n    pass\n",
    "pkg/sub/__init__.py": b"",
    "pkg/sub/deep.py": b"print ( 'deep' )\n",
}


@dataclass(frozen=True)
class BlackRun:
    """One run: exit code, each file's diff without its header times, the status lines sorted."""

    exit_code: int
    diffs: dict[bytes, bytes]
    status: list[str]
    stdout: bytes


@dataclass(frozen=True)
class Tree:
    """A project with a package to format, and black's cache directory for the driver's answers."""

    root: Path
    cache: Path

    def write(self, files: dict[str, bytes]) -> None:
        for name, data in files.items():
            path = self.root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)

    def run(self, incremental: bool, config: Path = CONFIG) -> BlackRun:
        layout = Layout(source="pkg", config=str(config), workdir=str(self.root))
        command = CHECKS["black"].command(layout, incremental=incremental)
        cache = self.cache if incremental else self.cache.with_name(self.cache.name + "-plain")
        env = {**tool_environment(), "BLACK_CACHE_DIR": str(cache), "BLACK_NUM_WORKERS": "2"}
        if command.uses_driver:
            env.update(driver.environment(str(driver.LOCAL_ROOT), env.get("PYTHONPATH")))
        done = subprocess.run(
            [sys.executable, "-P", *command.argv], cwd=self.root, env=env, capture_output=True, check=False, timeout=300
        )
        stderr = done.stderr.decode("utf-8", "replace")
        assert "Traceback" not in stderr, stderr
        return BlackRun(done.returncode, split(done.stdout), sorted(stderr.splitlines()), done.stdout)

    def same_as_black(self) -> BlackRun:
        incremental, plain = self.run(True), self.run(False)
        assert incremental.diffs == plain.diffs
        assert incremental.status == plain.status
        assert incremental.exit_code == plain.exit_code
        return incremental

    def answers(self) -> list[Path]:
        return sorted(self.cache.glob(f"*/{STATE_DIR}/*.json"))


def split(stdout: bytes) -> dict[bytes, bytes]:
    """Each file's part of black's output: its header (times left out, line ends kept) and its hunks."""
    headers = list(HEADER.finditer(stdout))
    diffs = {}
    for number, header in enumerate(headers):
        end = headers[number + 1].start() if number + 1 < len(headers) else len(stdout)
        diffs[header["path"]] = header["nl"] + stdout[header.end() : end]
    assert b"".join(stdout[h.start() : h.end()] for h in headers) or not stdout, "output without a diff header"
    return diffs


@pytest.fixture(name="tree")
def fixture_tree(tmp_path: Path) -> Tree:
    tree = Tree(tmp_path / "project", tmp_path / "black-cache")
    tree.write(FILES)
    return tree


def test_cold_and_warm_runs_print_what_black_prints(tree: Tree) -> None:
    cold = tree.same_as_black()
    assert cold.exit_code == 123, "broken.py cannot be formatted"
    assert {Path(path.decode()).name for path in cold.diffs} == {
        "messy.py",
        "windows.py",
        "latin.py",
        "stub.pyi",
        "deep.py",
    }
    assert b"\r\n" in cold.diffs[next(p for p in cold.diffs if p.endswith(b"windows.py"))]
    assert any("cannot parse" in line and "broken.py" in line for line in cold.status)
    assert len(tree.answers()) == len(FILES) - 1, "every file black formatted is remembered, not the one it could not"
    warm = tree.same_as_black()
    assert warm.diffs == cold.diffs


def test_edits_of_any_kind_are_answered_afresh(tree: Tree) -> None:
    tree.same_as_black()
    tree.write({"pkg/clean.py": b"VALUE = {  'a':1}\n", "pkg/messy.py": b'x = {"a": 37}\n', "pkg/new.py": b"z=1\n"})
    (tree.root / "pkg/sub/deep.py").unlink()
    after = tree.same_as_black()
    names = {Path(path.decode()).name for path in after.diffs}
    assert {"clean.py", "new.py"} <= names and not {"messy.py", "deep.py"} & names


def test_a_remembered_answer_is_what_the_next_run_prints(tree: Tree) -> None:
    tree.same_as_black()
    poisoned = 0
    for path in tree.answers():
        record = json.loads(path.read_text(encoding="utf-8"))
        if record["result"]["changed"]:
            record["result"]["body"] += "+# remembered\n"
            path.write_text(json.dumps(record), encoding="utf-8")
            poisoned += 1
    assert poisoned == 5
    assert tree.run(True).stdout.count(b"+# remembered") == 5, "every changed file was answered from memory"
    tree.write({"pkg/messy.py": b"x = {  'a':38}\n"})
    assert tree.run(True).stdout.count(b"+# remembered") == 4, "an edited file is formatted again"


def test_a_replayed_header_names_the_files_modification_time_as_black_does(tree: Tree) -> None:
    tree.same_as_black()
    messy = tree.root / "pkg/messy.py"
    os.utime(messy, (1_700_000_000.25, 1_700_000_000.25))
    replayed = next(h for h in HEADER.finditer(tree.run(True).stdout) if h["path"].endswith(b"messy.py"))
    assert replayed["then"].decode() == str(datetime.fromtimestamp(1_700_000_000.25, UTC))


def test_another_configuration_is_another_answer(tree: Tree, tmp_path: Path) -> None:
    tree.same_as_black()
    wide = tmp_path / "config"
    wide.mkdir()
    (wide / "black.toml").write_text("[tool.black]\nline-length = 20\n", encoding="utf-8")
    before = len(tree.answers())
    tree.run(True, config=wide)
    assert len(tree.answers()) == 2 * before, "the same files under another mode are new keys"


def test_a_malformed_answer_is_asked_of_black_again(tree: Tree) -> None:
    tree.same_as_black()
    for path in tree.answers():
        record = json.loads(path.read_text(encoding="utf-8"))
        record["result"] = {"changed": True, "encoding": "no-such-codec", "newline": 1}
        path.write_text(json.dumps(record), encoding="utf-8")
    tree.same_as_black()
