"""Where a driver keeps results between runs: one JSON file per key, written whole, never trusted blindly.

Locally the directory lies in the project's private cache (the tool's cache directory there); in Dagger, on the
tool's cache volume. An entry that cannot be read, or that was written for another key or format, is a miss:
the module or file is checked again.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ...disk import KeyedStore

# Per store, least recently used first: at least this many, and twice what the run that prunes used (pylint keeps a
# scan and a result per module: a tree of 10,000 modules uses 20,000 entries, and a lower limit would delete
# results the next run needs).
MAX_ENTRIES = 8192


class State:
    """Results by key under one directory, each marked with its format (a record of another format is a miss)."""

    def __init__(self, directory: Path, record_format: str) -> None:
        self.store = KeyedStore(directory, record_format)
        self.directory = directory

    def get(self, key: str) -> dict[str, Any] | None:
        """The stored result for the key, or None."""
        record = self.store.get(key)
        result = record.get("result") if record is not None else None
        return result if isinstance(result, dict) else None

    def put(self, key: str, result: dict[str, Any]) -> None:
        """Store a result whole; a store that fails is only a miss next time."""
        self.store.put(key, {"result": result})

    def prune(self, used: int = 0) -> None:
        """Forget the least recently used entries beyond MAX_ENTRIES or twice the `used` entries of this run."""
        self.store.prune(max(MAX_ENTRIES, 2 * used))
