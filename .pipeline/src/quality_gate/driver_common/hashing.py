"""The one digest the drivers' keys are made of."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable


def digest(parts: Iterable[str]) -> str:
    """One sha256 over strings, each length-prefixed so that no two lists collide."""
    total = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8", "surrogateescape")
        total.update(len(data).to_bytes(8, "big") + data)
    return total.hexdigest()
