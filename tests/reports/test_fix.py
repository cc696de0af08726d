"""The explicit fix: it changes what the tools can fix, and nothing else, byte for byte."""

# Test names say what each test proves.
# pylint: disable=missing-function-docstring

from __future__ import annotations

from pathlib import Path

from sample_project import Project


def state(root: Path) -> dict[str, tuple[bytes, int]]:
    """Every file under root with its bytes and modification time."""
    return {
        path.relative_to(root).as_posix(): (path.read_bytes(), path.stat().st_mtime_ns)
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def test_fix_changes_the_fixable_file_and_nothing_else(planted: Project) -> None:
    before = state(planted.root)
    done = planted.gate("fix")
    assert done.returncode == 0, done.stderr
    after = state(planted.root)
    assert set(after) == set(before), "no file created or removed"
    changed = {name for name in before if after[name] != before[name]}
    assert changed == {"src/app.py"}
    text = (planted.root / "src" / "app.py").read_text(encoding="utf-8")
    assert "import sys" not in text and "import os" not in text and "return a + b" in text
    assert "--- a/src/app.py" in done.stdout and "+++ b/src/app.py" in done.stdout, "the diff is shown"
    assert "1 file(s) changed: src/app.py" in done.stdout


def test_after_fix_only_what_no_tool_can_fix_remains(planted: Project) -> None:
    assert planted.gate("fix").returncode == 0
    gate = planted.gate("run-all")
    assert gate.returncode == 1
    table = dict(line.split()[:2] for line in gate.stdout.splitlines()[1:5])
    assert table == {"pylint": "passed", "black": "passed", "mypy": "failed", "ruff": "passed"}
    assert "[*]" not in gate.stdout, "no fixable ruff finding is left"
    assert "no-untyped-def" in gate.stdout and "return-value" in gate.stdout


def test_fix_on_a_clean_tree_writes_nothing(clean: Project) -> None:
    before = state(clean.root)
    done = clean.gate("fix")
    assert done.returncode == 0
    assert state(clean.root) == before
    assert "0 file(s) changed" in done.stdout
