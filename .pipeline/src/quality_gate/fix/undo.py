"""What `fix` changed, kept so that `fix --undo` puts it back exactly: bytes and mode, outside the source.

The record is written before the first file is, so an interrupted fix can be undone too; a file edited
since the fix is left alone rather than overwritten.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..disk import write_whole
from ..errors import QualityGateError
from .scratch import Change

FORMAT = "quality-gate-undo/1"


class UndoError(QualityGateError):
    """Nothing to undo, or a record that cannot be used; the message says which."""


@dataclass(frozen=True)
class Restored:
    """What --undo did: the files put back, and those left alone because they changed since the fix."""

    restored: tuple[str, ...]
    left: tuple[str, ...]


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def record(directory: Path, root: Path, changes: list[Change]) -> None:
    """Keep the originals of the files about to change (replacing the record of an earlier fix)."""
    fresh = Path(tempfile.mkdtemp(prefix=".record-", dir=directory))
    files = []
    for index, change in enumerate(changes):
        blob = f"{index}.orig"
        (fresh / blob).write_bytes(change.before)
        files.append(
            {
                "path": change.path,
                "mode": change.mode,
                "blob": blob,
                "original": _digest(change.before),
                "fixed": _digest(change.after),
            }
        )
    manifest = {"format": FORMAT, "root": str(root), "files": files}
    (fresh / "manifest.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    last = directory / "last"
    old = directory / ".old"
    shutil.rmtree(old, ignore_errors=True)
    if last.exists():
        last.rename(old)
    fresh.rename(last)
    shutil.rmtree(old, ignore_errors=True)


def restore(directory: Path, root: Path) -> Restored:
    """Put back the last fix's originals where the file is still as the fix left it; then forget the record."""
    last = directory / "last"
    files = _manifest(last, root)
    restored, left = [], []
    for item in files:
        target = root / item["path"]
        try:
            current = target.read_bytes()
        except OSError:
            current = b""
        now = _digest(current)
        if now == item["original"]:
            continue  # never written (the fix was interrupted before it): already as it was
        if now != item["fixed"]:
            left.append(item["path"])
            continue
        write_whole(target, (last / item["blob"]).read_bytes(), int(item["mode"]))
        restored.append(item["path"])
    if not left:
        shutil.rmtree(last, ignore_errors=True)
    return Restored(tuple(restored), tuple(left))


def _manifest(last: Path, root: Path) -> list[dict[str, Any]]:
    """The recorded files of the last fix in this root; an UndoError saying why there are none."""
    try:
        manifest = json.loads((last / "manifest.json").read_text(encoding="utf-8"))
        files = manifest["files"]
        if manifest["format"] != FORMAT or not isinstance(files, list):
            raise ValueError(f"format {manifest['format']!r}")
    except FileNotFoundError:
        raise UndoError(
            "nothing to undo: no fix has been applied in this project (or its record was removed)"
        ) from None
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise UndoError(f"the record in {last} cannot be read ({error}); restore with git instead") from None
    if manifest.get("root") != str(root):
        raise UndoError(f"the last fix was applied in {manifest.get('root')}, not here")
    return files
