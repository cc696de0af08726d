"""Where a finding lies in its file, in terms that survive lines moving: the function or class around its line.

A finding's line number changes with every line inserted above it; the name of the definition that encloses
it does not. With the content of the finding's own line (file.py), it tells a known finding that moved
from a new one of the same kind: the same error in another function, or on a line with other code, is new.
"""

from __future__ import annotations

import ast
import hashlib
from collections.abc import Callable, Sequence

from ..drivers.common.state import State

# What encloses a finding: a def or a class (a lambda or a comprehension has no name that outlives an edit).
DEFINITIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
RECORD_FORMAT = "quality-gate-scopes/1"

Span = tuple[int, int, str]  # a definition's first and last line, and its qualified name


class Scopes:
    """The innermost definition around each line of a file, by qualified name (`Parser.parse`, "" at top level).

    A file Python cannot parse (a syntax error, newer syntax than this interpreter's) has no scopes: None.
    """

    def __init__(self, spans: Sequence[Span] | None) -> None:
        self._names: list[str] | None = None
        if spans is not None:
            names = [""] * (max((end for _, end, _ in spans), default=0) + 1)
            for start, end, name in sorted(spans):  # an enclosing definition starts above what it holds: outer first
                names[start : end + 1] = [name] * (end + 1 - start)
            self._names = names

    @classmethod
    def of_text(cls, text: str) -> Scopes:
        """The scopes of a file's text (parsed now)."""
        return cls(definitions(text))

    def of(self, line: int) -> str | None:
        """The qualified name of the definition around this 1-based line; "" outside any; None: not parsed."""
        if self._names is None:
            return None
        return self._names[line] if 0 <= line < len(self._names) else ""


def definitions(text: str) -> list[Span] | None:
    """Every def and class of a file's text with its lines and qualified name; None when Python cannot parse it."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError):  # ValueError: a NUL byte, before Python 3.12
        return None
    spans = []
    # Statements only: a definition is a statement, in a module's, a class's, a function's or a compound
    # statement's body, never inside an expression; walking every expression node took as long as the parse.
    stack: list[tuple[list[ast.stmt], str]] = [(tree.body, "")]
    while stack:  # a loop, not recursion: blocks nested hundreds deep parse, and must not crash here
        body, prefix = stack.pop()
        for statement in body:
            if isinstance(statement, DEFINITIONS):
                name = f"{prefix}{statement.name}"
                spans.append((statement.lineno, statement.end_lineno or statement.lineno, name))
                stack.append((statement.body, f"{name}."))
            else:
                stack.extend((block, prefix) for block in _blocks(statement))
    return spans


def _blocks(statement: ast.stmt) -> list[list[ast.stmt]]:
    """The statement lists a compound statement holds (if, for, while, with, try, match; their else and finally)."""
    blocks = [getattr(statement, field, None) for field in ("body", "orelse", "finalbody")]
    blocks += [handler.body for handler in getattr(statement, "handlers", ())]
    blocks += [case.body for case in getattr(statement, "cases", ())]
    return [block for block in blocks if isinstance(block, list)]


def remembered(state: State) -> Callable[[str], Scopes]:
    """Scopes kept by the text's digest: parsing is most of a review's time (rich, 38,000 lines: 0.3 s of CPU),
    and a file keeps its content from one run to the next. An entry that cannot be read is parsed again."""
    state.prune()

    def scopes(text: str) -> Scopes:
        key = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
        stored = state.get(key)
        spans = stored.get("spans") if stored else None
        if stored and (spans is None or _spans(spans)):
            return Scopes(None if spans is None else [(span[0], span[1], span[2]) for span in spans])
        found = definitions(text)
        state.put(key, {"spans": found})
        return Scopes(found)

    return scopes


def _spans(value: object) -> bool:
    """Is a stored value a list of [first line, last line, name]?"""
    return isinstance(value, list) and all(
        isinstance(span, list)
        and len(span) == 3
        and all(isinstance(number, int) and not isinstance(number, bool) for number in span[:2])
        and isinstance(span[2], str)
        for span in value
    )
