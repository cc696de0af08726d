"""Fixtures over projects the tests write: the planted sample and a clean tree, fresh for each test."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers.gate import Project
from helpers.sample_project import PLANTED


@pytest.fixture
def planted(tmp_path: Path) -> Project:
    """The sample with planted findings, fresh for each test."""
    return Project.create(tmp_path / "planted", PLANTED)


@pytest.fixture
def clean(tmp_path: Path) -> Project:
    """A tree that passes all four tools."""
    return Project.create(tmp_path / "clean", {"src/clean.py": PLANTED["src/clean.py"]})


@pytest.fixture(scope="module")
def planted_once(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """The planted sample shared by tests that only read it."""
    return Project.create(tmp_path_factory.mktemp("planted"), PLANTED)
