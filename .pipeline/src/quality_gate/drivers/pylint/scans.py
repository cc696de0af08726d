"""Import scans remembered by content: what `ast` reads of a module's imports depends on its text alone.

Reading every module with `ast` on every run cost about 0.2 s of a one-module run on rich; a scan is kept under
a key of the module's name, whether it is a package, its bytes and this driver's source, beside the results.
"""

from __future__ import annotations

import hashlib
from typing import Any

from ..common.hashing import digest
from ..common.state import State
from . import records
from .imports import Scan, scan


class RememberedScans:  # pylint: disable=too-few-public-methods  # a memo behind one call
    """`imports.scan`, answered from the state when the same text was scanned before."""

    def __init__(self, state: State, driver: str) -> None:
        self.state = state
        self.driver = driver

    def __call__(self, data: bytes, name: str, package: bool) -> Scan | None:
        key = digest(["import scan", self.driver, name, str(package), hashlib.sha256(data).hexdigest()])
        stored = records.scan(self.state.get(key))
        if stored is not None:
            return _scan(stored["scan"])
        found = scan(data, name, package)
        self.state.put(key, {"scan": _record(found)})
        return found


def _record(found: Scan | None) -> dict[str, Any] | None:
    if found is None:
        return None
    return {
        "names": sorted(found.names),
        "stars": sorted(found.stars),
        "identifiers": sorted(found.identifiers),
        "writes": found.writes,
    }


def _scan(record: dict[str, Any] | None) -> Scan | None:
    if record is None:
        return None
    return Scan(
        frozenset(record["names"]), frozenset(record["stars"]), frozenset(record["identifiers"]), record["writes"]
    )
