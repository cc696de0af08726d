"""Where results and the tools' caches live: private directories, whole entries, nothing trusted blindly.

A store that another user can write to could answer "passed" for a tree full of findings, so every
directory on the way is refused unless it is this user's and nobody else may write to it.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
from pathlib import Path

from .commands import Execution
from .disk import PRIVATE_DIR, KeyedStore, mtime
from .errors import QualityGateError

FORMAT = "quality-gate-result/2"
MAX_ENTRIES = 256


class StoreError(QualityGateError):
    """A cache directory that cannot be used safely; the message says which and what to do."""


def private_directory(path: Path) -> Path:
    """Create the directory (0700) if needed; refuse one that is not ours or that others may write to."""
    try:
        path.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
        info = path.lstat()
    except OSError as error:
        raise StoreError(f"cannot use {path} as a cache directory: {error.strerror}; pass --cache-dir DIR") from None
    if stat.S_ISLNK(info.st_mode) or not stat.S_ISDIR(info.st_mode):
        raise StoreError(f"{path} is not a plain directory; pass --cache-dir DIR")
    if hasattr(os, "geteuid") and info.st_uid != os.geteuid():
        raise StoreError(f"{path} belongs to another user (uid {info.st_uid}); pass --cache-dir DIR of your own")
    if info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        raise StoreError(
            f"{path} can be written by other users (mode {stat.filemode(info.st_mode)}); "
            f"run `chmod go-w {path}` or pass --cache-dir DIR"
        )
    return path


def project_directory(cache_root: Path, project: Path) -> Path:
    """The caches of one project (by its absolute root): tools' caches name paths relative to their project."""
    private_directory(cache_root)
    projects = private_directory(cache_root / "projects")
    name = "".join(c if c.isalnum() or c in "-_." else "_" for c in project.name)[:40] or "root"
    digest = hashlib.sha256(str(project).encode("utf-8", "surrogateescape")).hexdigest()[:16]
    return private_directory(projects / f"{name}-{digest}")


def cache_for_file_set(directory: Path, file_set: str, keep: int = 4) -> Path:
    """A tool's cache for one set of files, the `keep` most recently used sets kept (a file moved back hits)."""
    chosen = directory / file_set
    try:
        directory.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
        chosen.mkdir(mode=PRIVATE_DIR, exist_ok=True)
        os.utime(chosen)
        remove_all_but_newest([path for path in directory.iterdir() if path != chosen], keep - 1)
    except OSError:
        pass  # a cache that cannot be tidied is still a cache
    return chosen


class ResultStore:
    """Executions by key, one JSON file each, written whole or not at all; a bad entry is a miss."""

    def __init__(self, directory: Path) -> None:
        self.directory = private_directory(directory)
        self.records = KeyedStore(self.directory, FORMAT, private=True)

    def get(self, key: str) -> Execution | None:
        """The stored execution, or None when absent, unreadable, corrupt, unsafe or for another key."""
        record = self.records.get(key)
        if record is None:
            return None
        exit_code, stdout, stderr = record.get("exit_code"), record.get("stdout"), record.get("stderr")
        if not (isinstance(exit_code, int) and isinstance(stdout, str) and isinstance(stderr, str)):
            return None
        return Execution(exit_code, stdout, stderr, 0.0, cached=True)

    def put(self, key: str, execution: Execution) -> None:
        """Store the execution (a store that fails is only a miss), then forget the least recently used."""
        fields = {
            "exit_code": execution.exit_code,
            "stdout": execution.stdout,
            "stderr": execution.stderr,
            "seconds": execution.seconds,
        }
        if self.records.put(key, fields):
            self.records.prune(MAX_ENTRIES)


def remove_all_but_newest(paths: list[Path], keep: int) -> None:
    """Delete (folders with all they hold) all but the `keep` most recently modified of these paths."""
    for old in sorted(paths, key=mtime, reverse=True)[keep:]:
        shutil.rmtree(old, ignore_errors=True)
