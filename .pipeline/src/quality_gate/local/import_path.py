"""The folders the tools import from besides the installation: for the result cache's key.

pylint follows imports through sys.path (PYTHONPATH's folders and those `.pth` files add), mypy through
MYPYPATH too. Installed distributions are keyed by name and version (result_cache.installed_distributions) and
the project by its content (tree.py); a folder named by one of these variables is neither, so deleting a
function there left pylint "passed (cached)". Each such folder is keyed by the size and time of every file a
tool can import from it, as environments are (a write changes both).
"""

from __future__ import annotations

import hashlib
import os
import site
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

from ..tree import NEVER_SOURCE_DIRS, TreeError

# What the tools import from a folder: modules, stubs, extension modules, and the marker of typed packages.
IMPORTABLE_SUFFIXES = (".py", ".pyi", ".so", ".pyd")
TYPED_MARKER = "py.typed"
STUBS_SUFFIX = "-stubs"  # a stub package's folder (PEP 561), the one importable name that is not an identifier
MOST_ENTRIES = 50_000  # entries scanned per folder: more is a home directory or a disk, not a folder of modules


def folders(workdir: Path, installed: Sequence[str] = ()) -> list[tuple[str, Path]]:
    """Each folder the tools may import from outside the installation, with where it comes from.

    Relative entries of PYTHONPATH and MYPYPATH are read as the tools read them, from `workdir` (the
    project's root, where they run). `installed`: site-packages folders of the tools' environment.
    """
    named = [
        (variable, Path(workdir, entry).resolve())
        for variable in ("PYTHONPATH", "MYPYPATH")
        for entry in os.environ.get(variable, "").split(os.pathsep)
        if entry
    ]
    named += [("sys.path", Path(entry)) for entry in sys.path if entry and Path(entry).is_absolute()]
    skipped = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix, *installed, *_site_folders()}
    prefixes = [Path(path).resolve() for path in skipped]
    chosen: dict[Path, str] = {}
    for origin, folder in named:
        if folder.is_dir() and not any(folder.is_relative_to(prefix) for prefix in prefixes):
            chosen.setdefault(folder, origin)
    return [(origin, folder) for folder, origin in chosen.items()]


def digest(workdir: Path, installed: Sequence[str] = ()) -> str:
    """One hash over every importable file of those folders: its path, size and modification time.

    Raises TreeError for a folder too large to follow (the cache cannot promise anything there).
    """
    total = hashlib.sha256()
    for origin, folder in folders(workdir, installed):
        total.update(f"{origin}\0{folder}\0".encode("utf-8", "surrogateescape"))
        for path, info in _importable(origin, folder):
            total.update(f"{path}\0{info.st_size}\0{info.st_mtime_ns}\0".encode("utf-8", "surrogateescape"))
    return total.hexdigest()


def _importable(origin: str, folder: Path) -> Iterator[tuple[str, os.stat_result]]:
    """The files a tool can import from the folder, by path, in a stable order; directory links followed once."""
    scanned = 0
    seen: set[tuple[int, int]] = set()
    stack = [folder]
    while stack:
        items = _listing(stack.pop(), seen)
        scanned += len(items)
        if scanned > MOST_ENTRIES:
            raise TreeError(
                f"{origin} names {folder}, which holds more than {MOST_ENTRIES:,} files: the result cache cannot "
                "follow what the tools import from it; point it at the folder of your modules, or run with --no-cache"
            )
        for item in items:
            try:
                if item.is_dir():
                    if _package_name(item.name):
                        stack.append(Path(item.path))
                elif item.name.endswith(IMPORTABLE_SUFFIXES) or item.name == TYPED_MARKER:
                    yield os.path.relpath(item.path, folder), item.stat()
            except OSError:
                continue


def _listing(directory: Path, seen: set[tuple[int, int]]) -> list[os.DirEntry[str]]:
    """A directory's entries by name; none when it cannot be read or was listed already (a link back up)."""
    try:
        here = directory.stat()
        if (here.st_dev, here.st_ino) in seen:
            return []
        seen.add((here.st_dev, here.st_ino))
        return sorted(os.scandir(directory), key=lambda item: item.name)
    except OSError:
        return []


def _package_name(name: str) -> bool:
    """Could a tool import a package from a folder of this name? (Environments and caches are never read.)"""
    return name not in NEVER_SOURCE_DIRS and (name.isidentifier() or name.removesuffix(STUBS_SUFFIX).isidentifier())


def _site_folders() -> list[str]:
    """The interpreter's own site-packages (and the user's), whose distributions are keyed by name and version."""
    user = site.getusersitepackages() if site.ENABLE_USER_SITE else ""
    return [*site.getsitepackages(), *([user] if user else [])]
