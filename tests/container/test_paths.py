"""One source_path, one prefix: the mounted source, the tools' paths, the report and the fix changeset agree.

The module reads the source from the repository at source_path, mounts it at that path under the
container's working directory, and roots the fix changeset there. The report's paths come from the
tools themselves, so the real ruff is run here on a tree laid out as the container lays it out.
"""

# Test names say what each test proves.
# pylint: disable=missing-function-docstring

from __future__ import annotations

import dataclasses
import posixpath
import shutil
from pathlib import Path
from typing import Any

import anyio
import pytest
from helpers.chains import chain, index
from helpers.chains import gate as make_gate
from helpers.paths import REPO
from helpers.runners import Subprocess
from quality_gate.app import run as gate
from quality_gate.checks import CHECKS
from quality_gate.container import runner as dagger_runner
from quality_gate.reports import codequality

# As given on the command line, and the repository path each one means.
SOURCE_PATHS = [("src", "src"), ("app/lib", "app/lib"), ("./app/", "app"), ("app/../lib", "lib"), (".", ".")]
IDS = [given for given, _ in SOURCE_PATHS]
UNUSED_IMPORT = "import os\n"


def changeset_prefix(steps: list[tuple[str, dict[str, Any]]]) -> str:
    """The folder the changeset's `after` side is placed in ("." when it is the source itself)."""
    assert steps[-1][0] == "changes"
    placed = [args["path"] for field, args in steps if field == "withDirectory"]
    return placed[0] if placed else "."


@pytest.mark.parametrize(("given", "meant"), SOURCE_PATHS, ids=IDS)
def test_source_read_mounted_and_checked_at_one_path(given: str, meant: str) -> None:
    qg = make_gate(given)
    runner = qg._runner()  # pylint: disable=protected-access
    steps = chain(runner.container(CHECKS["ruff"].command(runner.layout)))
    mount = posixpath.normpath(posixpath.join(dagger_runner.WORKDIR, meant))
    source = steps[index(steps, "withMountedDirectory", path=mount)][1]["source"]
    assert source[-1] == ("directory", {"path": meant})
    assert steps[-1][1]["args"][-1] == meant
    assert runner.layout.source == meant


@pytest.mark.parametrize(("given", "meant"), SOURCE_PATHS, ids=IDS)
def test_fix_changeset_is_rooted_at_the_source_path(given: str, meant: str) -> None:
    source = make_gate(given)._source()
    fixed = source.with_new_file("new.py", "")
    assert changeset_prefix(chain(dagger_runner.changes(source, fixed, given))) == meant


@pytest.mark.parametrize(("given", "meant"), SOURCE_PATHS, ids=IDS)
def test_report_paths_carry_the_same_prefix(tmp_path: Path, given: str, meant: str) -> None:
    """The real ruff, with the container's command line, in a tree laid out like the container."""
    workdir = tmp_path / "gate"
    source = workdir / meant
    source.mkdir(parents=True, exist_ok=True)
    (source / "bad.py").write_text(UNUSED_IMPORT, encoding="utf-8")
    config = tmp_path / "gate-config"
    config.mkdir()
    shutil.copy2(REPO / ".config" / CHECKS["ruff"].tool.config_file, config)
    layout = dataclasses.replace(dagger_runner.layout(given), config=str(config), workdir=str(workdir))
    assert layout.source == meant

    result = anyio.run(gate.run_check, Subprocess(layout, tmp_path / "cache"), CHECKS["ruff"])
    paths = {entry["location"]["path"] for entry in codequality.entries([result])}
    assert paths == {posixpath.normpath(posixpath.join(meant, "bad.py"))}
    source_dir = make_gate(given)._source()
    prefix = changeset_prefix(chain(dagger_runner.changes(source_dir, source_dir.with_new_file("bad.py", ""), given)))
    assert paths == {posixpath.normpath(posixpath.join(prefix, "bad.py"))}, "a fix would land on the reported file"
