"""What an incremental run must share with a full run: every message (path, line, column, symbol, text) and the
statistics (counts by type, modules linted, score). The tests and the benchmark judge identity with this; it is
not part of the driver (not shipped with it, not in its key).

One part of pylint's output is not the same from one full run to the next, so it cannot be asked of an
incremental one: duplicate-code (R0801) quotes the duplicated lines from whichever file comes first in a set
keyed on object ids (pylint 4.1.4, symilar.py: LineSet.__hash__ is id(self)), so the quoted copy, with its own
indentation, changes between two identical runs. Its count, its places (`==module:[start:end]`, sorted by
pylint) and where it is reported are compared; the quoted lines are not.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

DUPLICATE_CODE = "R0801"

MessageKey = tuple[str, int, int, str, str]


def message_key(message: dict[str, Any]) -> MessageKey:
    """A json2 message as identity sees it."""
    text = str(message["message"])
    if message["messageId"] == DUPLICATE_CODE:
        head, *rest = text.splitlines()
        text = "\n".join([head, *(line for line in rest if line.startswith("=="))])
    return (str(message["path"]), int(message["line"]), int(message["column"]), str(message["symbol"]), text)


def messages(report: dict[str, Any]) -> Counter[MessageKey]:
    """Every message of a json2 report, as a multiset."""
    return Counter(message_key(message) for message in report["messages"])


def differences(incremental: dict[str, Any], full: dict[str, Any]) -> list[str]:
    """What differs between two json2 reports, in words; empty when they are the same result."""
    ours, theirs = messages(incremental), messages(full)
    found = [f"only in the incremental run: {key}" for key in (ours - theirs).elements()]
    found += [f"only in the full run: {key}" for key in (theirs - ours).elements()]
    if incremental.get("statistics") != full.get("statistics"):
        found.append(f"statistics differ: {incremental.get('statistics')} != {full.get('statistics')}")
    return found
