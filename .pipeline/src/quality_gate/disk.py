"""How the gate and its drivers write to disk: files written whole, and JSON records kept by key.

A reader (a tool, the next run, the user's editor) sees a file's old bytes or its new ones, never half: each file
is written to a temporary file beside it, then renamed over it. Records by key are built on that, and a record
that cannot be read, or was written for another key or format, is a miss, never an error.

Only the standard library: the drivers import it, and it is shipped into the tools' containers with them.
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600
# The end of a temporary file's name: no tool takes it for a source file, and a record store's pruning sees one
# left by a run that was killed.
TEMPORARY_SUFFIX = ".qg-tmp"


def write_whole(target: Path, data: bytes, mode: int = PRIVATE_FILE) -> None:
    """Replace a file (or create it) with these bytes and this mode, in one rename."""
    write_all({target: data}, mode)


def write_all(
    files: Mapping[Path, bytes], mode: int = PRIVATE_FILE, before_renaming: Callable[[], object] = lambda: None
) -> None:
    """Write every file to a temporary file first, then rename them all: never a mix of old and new files.

    `before_renaming` may raise to stop before any file is replaced. On any error no temporary file is left.
    """
    temporaries: dict[Path, Path] = {}
    try:
        for target, data in files.items():
            handle, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=TEMPORARY_SUFFIX)
            temporaries[target] = Path(name)
            with os.fdopen(handle, "wb") as file:
                file.write(data)
                os.fchmod(file.fileno(), stat.S_IMODE(mode))
        before_renaming()
        for target, temporary in temporaries.items():
            temporary.replace(target)
    except BaseException:
        for temporary in temporaries.values():
            with contextlib.suppress(OSError):  # already renamed, or never written
                temporary.unlink()
        raise


def new_file_mode() -> int:
    """0666 less the umask, as open() would give a new file (mkstemp's files are 0600)."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


class KeyedStore:
    """JSON records by key under one directory, one file each, each marked with its format and key.

    `private`: only a regular file of this user's that no one else may read or write is a record (where an
    entry written by someone else could pass a tree that has findings).
    """

    def __init__(self, directory: Path, record_format: str, private: bool = False) -> None:
        self.directory = directory
        self.record_format = record_format
        self.private = private

    def get(self, key: str) -> dict[str, Any] | None:
        """The stored record (its fields, format and key included), or None; a hit counts as a use, for pruning."""
        path = self.directory / f"{key}.json"
        try:
            if self.private and not _private_file(path.lstat()):
                return None
            record = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(record, dict) or record.get("format") != self.record_format or record.get("key") != key:
            return None
        with contextlib.suppress(OSError):
            os.utime(path)  # most recently used, for pruning
        return record

    def put(self, key: str, fields: Mapping[str, Any]) -> bool:
        """Store a record whole (mode 0600); False when it could not be: a store that fails is only a miss."""
        record = {"format": self.record_format, "key": key, **fields}
        try:
            self.directory.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
            write_whole(self.directory / f"{key}.json", json.dumps(record).encode("utf-8"))  # C encoder: one call
        except OSError:
            return False
        return True

    def prune(self, keep: int) -> None:
        """Forget all but the `keep` most recently used records."""
        prune(self.directory, keep)


def _private_file(info: os.stat_result) -> bool:
    return (
        stat.S_ISREG(info.st_mode)
        and not info.st_mode & 0o077
        and not (hasattr(os, "geteuid") and info.st_uid != os.geteuid())
    )


def prune(directory: Path, keep: int) -> None:
    """Delete all but the `keep` most recently used entries (`*.json`, by modification time) of a directory.

    Temporary files count as entries: one left by a run that was killed goes in time. Every run of a driver
    calls it: below the limit it only lists the names (8,000 entries: about 10 ms, where globbing them and
    reading each one's time took 35 ms).
    """
    try:
        with os.scandir(directory) as listing:
            entries = [Path(entry.path) for entry in listing if entry.name.endswith((".json", TEMPORARY_SUFFIX))]
    except OSError:
        return
    if len(entries) <= keep:
        return
    for old in sorted(entries, key=mtime, reverse=True)[keep:]:
        with contextlib.suppress(OSError):
            old.unlink()


def mtime(path: Path) -> float:
    """When the path was last modified (0 when it is gone): the most recently used first."""
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0
