"""The one digest the drivers' keys are made of, and the digest of a driver's own source."""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Iterable
from pathlib import Path


def digest(parts: Iterable[str]) -> str:
    """One sha256 over strings, each length-prefixed so that no two lists collide."""
    total = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8", "surrogateescape")
        total.update(len(data).to_bytes(8, "big") + data)
    return total.hexdigest()


@functools.cache
def source_digest(driver: Path) -> str:
    """A driver package's source and this shared package's: a change to how results are made makes every stored
    one stale (computed once per process)."""
    folders = (driver, Path(__file__).resolve().parent)
    paths = sorted(path for folder in folders for path in folder.glob("*.py"))
    return digest(f"{path.parent.name}/{path.name}\0{path.read_bytes().hex()}" for path in paths)
