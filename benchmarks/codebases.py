"""The real code bases the benchmark runs on, pinned, fetched once from PyPI as sdists and unpacked afresh."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tarfile
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class CodeBase:
    """A pinned sdist and the folder of it the gate checks."""

    package: str
    version: str
    source: str  # relative to the unpacked sdist: what --source names
    shape: str  # said in the results: how it differs from the others

    @property
    def label(self) -> str:
        """name version"""
        return f"{self.package} {self.version}"


RICH = CodeBase("rich", "15.0.0", "rich", "100 modules, 38.5k lines, one flat package of small modules")
REQUESTS = CodeBase("requests", "2.34.2", "src", "19 modules, 6.4k lines, a flat package whose __init__ imports it all")
WERKZEUG = CodeBase("werkzeug", "3.1.9", "src", "52 modules, 21.7k lines, nested subpackages (debug, routing, sansio)")
CODEBASES = (RICH, REQUESTS, WERKZEUG)


def fetch(code_base: CodeBase, work: Path) -> Path:
    """The sdist, downloaded once into WORK, unpacked afresh: the tree, whose root is the project root."""
    downloads = work / "downloads"
    pattern = f"{code_base.package}-{code_base.version}.tar.gz"
    archives = [path for path in downloads.glob("*.tar.gz") if path.name.lower() == pattern.lower()]
    if not archives:
        downloads.mkdir(parents=True, exist_ok=True)
        pip = [sys.executable, "-m", "pip", "download", "--no-binary", ":all:", "--no-deps"]
        subprocess.run([*pip, f"{code_base.package}=={code_base.version}", "--dest", str(downloads)], check=True)
        archives = [path for path in downloads.glob("*.tar.gz") if path.name.lower() == pattern.lower()]
    trees = fresh(work / "tree" / code_base.package)
    with tarfile.open(archives[0]) as sdist:
        sdist.extractall(trees, filter="data")
    return next(path for path in trees.iterdir() if path.is_dir())


def fresh(path: Path) -> Path:
    """An empty directory at path."""
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    return path
