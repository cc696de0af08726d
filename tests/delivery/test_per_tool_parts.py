"""The per-tool parts of the makefile, the CI component and the pre-commit hooks are as the checks write them.

They are text that make, GitLab and pre-commit read, written by `make generate` (tests/helpers/per_tool.py);
a check added, renamed or removed without it leaves them out of date, and this fails. A fifth tool through
them: tests/app/test_fifth_tool.py.
"""

# Test names say what each test proves.
# pylint: disable=missing-function-docstring

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from helpers.paths import REPO
from helpers.per_tool import PARTS, generate, written
from quality_gate.functions import single


@pytest.mark.parametrize("path", list(PARTS))
def test_each_part_is_as_the_checks_write_it(path: str) -> None:
    committed = (REPO / path).read_text(encoding="utf-8")
    assert written(REPO, single())[path] == committed, f"{path} is out of date with the checks: run `make generate`"


def test_a_check_without_its_parts_is_seen(tmp_path: Path) -> None:
    """The control: with the parts written for three of the four, each file differs from what the four write."""
    for path in PARTS:
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / path, tmp_path / path)
    three = {function: check for function, check in single().items() if function != "mypy"}
    assert generate(tmp_path, three) == list(PARTS)
    for path, text in written(tmp_path, single()).items():
        assert text != (tmp_path / path).read_text(encoding="utf-8"), path
    assert "quality-gate-mypy" not in (tmp_path / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")
    assert generate(tmp_path) == list(PARTS), "written again for the four"
    assert all((tmp_path / path).read_bytes() == (REPO / path).read_bytes() for path in PARTS)


def test_a_file_without_its_markers_is_a_clear_error(tmp_path: Path) -> None:
    for path in PARTS:
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / path, tmp_path / path)
    hooks = tmp_path / ".pre-commit-hooks.yaml"
    hooks.write_text(hooks.read_text(encoding="utf-8").replace("# <<< generated", "# end"), encoding="utf-8")
    with pytest.raises(ValueError, match=r"^\.pre-commit-hooks\.yaml: 0 parts between .* not 1$"):
        written(tmp_path, single())
