"""Where a driver keeps results between runs: one JSON file per key, written whole, never trusted blindly.

Locally the directory lies in the project's private cache (the tool's cache directory there); in Dagger, on the
tool's cache volume. An entry that cannot be read, or that was written for another key or format, is a miss:
the module or file is checked again.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

# Per store, least recently used first: at least this many, and twice what the run that prunes used (pylint keeps a
# scan and a result per module: a tree of 10,000 modules uses 20,000 entries, and a lower limit would delete
# results the next run needs).
MAX_ENTRIES = 8192


class State:
    """Results by key under one directory, each marked with its format (a record of another format is a miss)."""

    def __init__(self, directory: Path, record_format: str) -> None:
        self.directory = directory
        self.record_format = record_format

    def get(self, key: str) -> dict[str, Any] | None:
        """The stored result for the key, or None."""
        path = self.directory / f"{key}.json"
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(record, dict) or record.get("format") != self.record_format or record.get("key") != key:
            return None
        with contextlib.suppress(OSError):
            os.utime(path)  # most recently used, for pruning
        result = record.get("result")
        return result if isinstance(result, dict) else None

    def put(self, key: str, result: dict[str, Any]) -> None:
        """Store a result whole (a temporary file renamed into place); a store that fails is only a miss next time."""
        temporary: str | None = None
        try:
            self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(
                "w", encoding="utf-8", dir=self.directory, prefix=".tmp-", suffix=".json", delete=False
            ) as file:
                temporary = file.name
                record = {"format": self.record_format, "key": key, "result": result}
                file.write(json.dumps(record))  # C encoder: one call
            Path(temporary).replace(self.directory / f"{key}.json")
        except OSError:
            if temporary is not None:
                with contextlib.suppress(OSError):
                    Path(temporary).unlink()

    def prune(self, used: int = 0) -> None:
        """Forget the least recently used entries beyond MAX_ENTRIES or twice the `used` entries of this run."""
        prune(self.directory, max(MAX_ENTRIES, 2 * used))


def prune(directory: Path, keep: int) -> None:
    """Delete all but the `keep` most recently used entries (`*.json`, by modification time) of a directory.

    Every run of a driver calls it: below the limit it only lists the names (8,000 entries: about 10 ms, where
    globbing them and reading each one's time took 35 ms).
    """
    try:
        with os.scandir(directory) as listing:
            entries = [Path(entry.path) for entry in listing if entry.name.endswith(".json")]
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
