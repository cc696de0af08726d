"""The folders the tools import from besides the installation (PYTHONPATH, MYPYPATH) in the result cache's key."""

# Test names say what each test proves.
# pylint: disable=missing-function-docstring

from __future__ import annotations

from pathlib import Path

import pytest
from quality_gate.local import import_path
from quality_gate.tree import TreeError


def test_what_a_tool_can_import_from_a_pythonpath_folder_moves_the_digest_and_nothing_else(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    outside = tmp_path / "outside"
    for name in ("pkg/mod.py", "data-files/notes.py", ".venv/lib/site.py", "README.txt"):
        (outside / name).parent.mkdir(parents=True, exist_ok=True)
        (outside / name).write_text("x = 1\n", encoding="utf-8")
    monkeypatch.setenv("PYTHONPATH", "outside")  # relative: read from the project's root, as the tools read it
    assert import_path.folders(tmp_path)[0] == ("PYTHONPATH", outside)
    before = import_path.digest(tmp_path)
    for name in ("data-files/notes.py", ".venv/lib/site.py", "README.txt"):  # no module name reaches them
        (outside / name).write_text("x = 22\n", encoding="utf-8")
    assert import_path.digest(tmp_path) == before
    (outside / "pkg" / "mod.py").write_text("x = 22\n", encoding="utf-8")
    edited = import_path.digest(tmp_path)
    assert edited != before
    (outside / "types-stubs").mkdir()
    (outside / "types-stubs" / "__init__.pyi").write_text("", encoding="utf-8")
    assert import_path.digest(tmp_path) != edited, "a stub package"


def test_a_folder_too_large_to_follow_is_refused_saying_what_to_do(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for index in range(5):
        (tmp_path / f"m{index}.py").write_text("", encoding="utf-8")
    monkeypatch.setenv("MYPYPATH", str(tmp_path))
    monkeypatch.setattr(import_path, "MOST_ENTRIES", 4)
    with pytest.raises(TreeError, match=rf"^MYPYPATH names {tmp_path}, which holds more than 4 files: .*--no-cache$"):
        import_path.digest(tmp_path / "project")


def test_the_installation_is_no_import_folder(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Its distributions are keyed by name and version: walking site-packages would cost every run."""
    monkeypatch.delenv("PYTHONPATH", raising=False)
    monkeypatch.delenv("MYPYPATH", raising=False)
    chosen = [folder for _, folder in import_path.folders(tmp_path)]
    assert not [folder for folder in chosen if "site-packages" in folder.parts or "lib" in folder.parts], chosen
