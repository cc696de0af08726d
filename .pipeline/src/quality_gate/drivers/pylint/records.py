"""What a stored entry must hold to be used; an entry that holds anything else is a miss (its module is linted
again, and the entry replaced).

The state is files in the user's cache directory: another version of the driver, a disk that filled up or a
hand may leave an entry that parses, under a valid key and format, but lacks a field or holds another type.
Each entry is checked whole before it is used, so that using it cannot fail half-way through a run.
"""

from __future__ import annotations

from typing import Any

from pylint.constants import MSG_TYPES
from pylint.interfaces import CONFIDENCE_MAP

Result = dict[str, Any]  # one module's stored result (JSON), see linter.IncrementalLinter._lint_one

MESSAGE_TEXTS = ("symbol", "message", "module", "obj", "path", "absolutePath")


def result(stored: dict[str, Any] | None) -> Result | None:
    """The stored result of a module, if every part that a replay reads has its shape."""
    if stored is None:
        return None
    shaped = (
        isinstance(stored.get("messages"), list)
        and all(_message(message) for message in stored["messages"])
        and _integer(stored.get("statements"))
        and isinstance(stored.get("completed"), bool)
        and isinstance(stored.get("loads"), list)
        and all(_load(load) for load in stored["loads"])
        and _contribution(stored.get("contribution"))
    )
    return stored if shaped else None


def writers(stored: dict[str, Any] | None) -> frozenset[str] | None:
    """The names of the modules that write into others, as stored."""
    if stored is None or not _texts(stored.get("names")):
        return None
    return frozenset(stored["names"])


def scan(stored: dict[str, Any] | None) -> dict[str, Any] | None:
    """A stored import scan: {"scan": None} (the text did not parse) or its four fields."""
    if stored is None or "scan" not in stored:
        return None
    found = stored["scan"]
    if found is None:
        return stored
    shaped = (
        isinstance(found, dict)
        and all(_texts(found.get(field)) for field in ("names", "stars", "identifiers"))
        and isinstance(found.get("writes"), bool)
    )
    return stored if shaped else None


def pairs(stored: dict[str, Any] | None) -> dict[str, Any] | None:
    """duplicate-code's remembered answers: "digest digest" -> lists of five line numbers."""
    if stored is None or not isinstance(stored.get("pairs"), dict):
        return None
    answers = stored["pairs"].values()
    shaped = all(
        isinstance(answer, list)
        and all(isinstance(numbers, list) and len(numbers) == 5 and all(map(_integer, numbers)) for numbers in answer)
        for answer in answers
    )
    return dict(stored["pairs"]) if shaped else None


def _message(message: Any) -> bool:
    """A message as JSON2Reporter.serialize wrote it, that its deserialize and pylint's Message accept."""
    if not isinstance(message, dict):
        return False
    identifier = message.get("messageId")
    return (
        isinstance(identifier, str)
        and identifier[:1] in MSG_TYPES
        and message.get("confidence") in CONFIDENCE_MAP
        and all(isinstance(message.get(field), str) for field in MESSAGE_TEXTS)
        and _integer(message.get("line"))
        and _integer(message.get("column"))
        and (message.get("endLine") is None or _integer(message["endLine"]))
        and (message.get("endColumn") is None or _integer(message["endColumn"]))
    )


def _load(load: Any) -> bool:
    """[module name, the file it was asked from or None, use_cache]."""
    return (
        isinstance(load, list)
        and len(load) == 3
        and isinstance(load[0], str)
        and (load[1] is None or isinstance(load[1], str))
        and isinstance(load[2], bool)
    )


def _contribution(contribution: Any) -> bool:
    """What contributions.Contributions.read wrote."""
    return (
        isinstance(contribution, dict)
        and isinstance(contribution.get("linesets"), list)
        and all(_lineset(line_set) for line_set in contribution["linesets"])
        and _texts(contribution.get("edges"))
        and _texts(contribution.get("excluded"))
        and (contribution.get("package") is None or isinstance(contribution["package"], str))
    )


def _lineset(line_set: Any) -> bool:
    return (
        isinstance(line_set, dict)
        and isinstance(line_set.get("name"), str)
        and _texts(line_set.get("real"))
        and isinstance(line_set.get("numbers"), list)
        and all(_integer(number) for number in line_set["numbers"])
        and _texts(line_set.get("texts"))
        and len(line_set["numbers"]) == len(line_set["texts"])
    )


def _texts(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


def _integer(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
