"""One file's answer in diff mode, from memory or from black (then remembered).

black's `format_file_in_place` prints the file's diff, headed by its path and two times (the file's
modification time and now), and returns whether the file would change. Both depend only on the key below; the
times are presentation, made again on replay as black makes them. Anything unexpected (an error, output that
does not start with black's header) is passed through and not remembered.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import hashlib
import io
import sys
from collections.abc import Collection, Iterator
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any

import black
from black import Mode, WriteBack
from black.cache import get_cache_dir  # pylint: disable=no-name-in-module  # compiled: pylint sees no names

from ..common.hashing import digest, source_digest
from ..common.state import State

RECORD_FORMAT = "quality-gate-black-file/1"
STATE_DIR = "quality-gate-incremental"  # under black's cache directory (BLACK_CACHE_DIR/<version>)
black_format_file_in_place = black.format_file_in_place  # the workers' function, before the driver replaces it


@functools.cache
def state() -> State:
    """Where answers are kept: beside black's own cache, on the black cache volume in Dagger."""
    return State(get_cache_dir() / STATE_DIR, RECORD_FORMAT)


def format_file_in_place(  # pylint: disable=too-many-arguments  # black's own signature
    src: Path,
    fast: bool,
    mode: Mode,
    write_back: WriteBack = WriteBack.NO,
    lock: Any = None,
    *,
    lines: Collection[tuple[int, int]] = (),
) -> bool:
    """black's function of the same name; in plain diff mode, answered from memory when the key is known."""
    if write_back is not WriteBack.DIFF or lines:
        return black_format_file_in_place(src, fast, mode, write_back, lock, lines=lines)
    content = src.read_bytes()
    key = file_key(src, content, fast, mode)
    store = state()
    replayed = _replayed(src, store.get(key))
    if replayed is not None:
        changed, output = replayed
        if output:
            _write_bytes(output, lock)
        return changed
    captured = io.BytesIO()
    with _stdout_into(captured):
        changed = black_format_file_in_place(src, fast, mode, write_back, None)
    output = captured.getvalue()
    if output:
        _write_bytes(output, lock)
    answer = _answer(src, content, mode, changed, output)
    if answer is not None and src.read_bytes() == content:  # not edited while black read it
        store.put(key, answer)
    return changed


def file_key(src: Path, content: bytes, fast: bool, mode: Mode) -> str:
    """What black's answer for the file depends on."""
    parts = [
        _fixed_parts(),
        repr(_mode_fields(mode)),
        str(fast),
        str(src),
        hashlib.sha256(content).hexdigest(),
    ]
    return digest(parts)


def _mode_fields(mode: Mode) -> list[tuple[str, str]]:
    """Every field of the mode, sets in a fixed order (their own order follows the hash seed)."""
    fields = []
    for field in dataclasses.fields(mode):
        value = getattr(mode, field.name)
        shown = repr(sorted(repr(item) for item in value)) if isinstance(value, (set, frozenset)) else repr(value)
        fields.append((field.name, shown))
    return fields


@functools.cache
def _fixed_parts() -> str:
    """What every key shares: black's and Python's versions, and this driver's source."""
    return f"{RECORD_FORMAT} {version('black')} {sys.version} {source_digest(Path(__file__).resolve().parent)}"


def _replayed(src: Path, known: dict[str, Any] | None) -> tuple[bool, bytes] | None:
    """A remembered answer and the bytes to print for it; None (ask black) for one that is not well formed."""
    if known is None or not isinstance(known.get("changed"), bool):
        return None
    if not known["changed"]:
        return False, b""
    newline, body, encoding = known.get("newline"), known.get("body"), known.get("encoding")
    if not (isinstance(newline, str) and isinstance(body, str) and isinstance(encoding, str)):
        return None
    try:
        return True, (_header(src, newline) + body).encode(encoding)
    except (LookupError, UnicodeEncodeError):
        return None


def _answer(src: Path, content: bytes, mode: Mode, changed: bool, output: bytes) -> dict[str, Any] | None:
    """What to remember of black's answer: the diff without its two header lines, or None if it is not black's."""
    if not changed:
        return None if output else {"changed": False}
    if mode.skip_source_first_line:
        content = content[content.find(b"\n") + 1 :] if b"\n" in content else b""
    try:
        _, encoding, newline = black.decode_bytes(content, mode)
        text = output.decode(encoding)
    except (UnicodeDecodeError, LookupError, SyntaxError, ValueError):
        return None
    body = _after_header(text, str(src), newline)
    return None if body is None else {"changed": True, "encoding": encoding, "newline": newline, "body": body}


def _after_header(text: str, path: str, newline: str) -> str | None:
    """The diff after `--- PATH\\tTIME` and `+++ PATH\\tTIME`, or None if it does not start so."""
    position = 0
    for mark in ("---", "+++"):
        start = f"{mark} {path}\t"
        if not text.startswith(start, position):
            return None
        end = text.find(newline, position + len(start))
        if end < 0:
            return None
        position = end + len(newline)
    return text[position:]


def _header(src: Path, newline: str) -> str:
    """The two header lines as black writes them: the file's modification time, then now (UTC)."""
    then = datetime.fromtimestamp(src.stat().st_mtime, UTC)
    now = datetime.now(UTC)
    return f"--- {src}\t{then}{newline}+++ {src}\t{now}{newline}"


def _write_bytes(data: bytes, lock: Any) -> None:
    """To the real stdout in one piece, under black's lock so that two workers' diffs never interleave."""
    with lock or contextlib.nullcontext():
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()


@contextlib.contextmanager
def _stdout_into(captured: io.BytesIO) -> Iterator[None]:
    """black's writes to stdout (through `sys.stdout.buffer`) go to `captured` for the duration."""
    real = sys.stdout
    sys.stdout = io.TextIOWrapper(captured, encoding="utf-8", write_through=True)
    try:
        yield
    finally:
        sys.stdout.detach()
        sys.stdout = real
