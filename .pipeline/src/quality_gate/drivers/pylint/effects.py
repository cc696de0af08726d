"""What astroid does behind the imports that a module's key must cover, watched while pylint runs.

- Writes: when astroid builds a module, `x.attr = value` adds `value` to whatever `x` infers to, even in
  another module (werkzeug's debug console assigns `sys.stdout`, and every module that infers `sys.stdout`
  then sees it). Each write is recorded as (writer module, written module).
- Loads: each module name astroid is asked for while a module is linted, in order. A full run lints the
  modules one after the other and every load builds a module once for all later ones; replaying a skipped
  module's loads builds the same modules at the same point, so the modules linted after it see what they
  would see in a full run. The loads also check the import graph: a load of a project module outside the
  closure means the graph missed a dependency, and that module's result is not kept.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from astroid import builder, nodes, util  # type: ignore[import-untyped]  # astroid ships no type information
from astroid.manager import AstroidManager  # type: ignore[import-untyped]

Load = tuple[str, str | None, bool]  # (module name, the file whose directory resolves it, use_cache), as asked


class Writes:
    """Cross-module attribute writes made while astroid builds modules."""

    def __init__(self) -> None:
        self.found: set[tuple[str, str]] = set()

    @contextlib.contextmanager
    def recording(self) -> Iterator[None]:
        """Record every write made inside the block (astroid's builder is patched for its duration)."""
        original = builder.AstroidBuilder.delayed_assattr
        found = self.found

        def delayed_assattr(self: builder.AstroidBuilder, node: nodes.AssignAttr) -> None:
            writer = node.root().name
            expression = node.expr
            infer = expression.infer

            def watched(*args: Any, **kwargs: Any) -> Iterator[Any]:
                for value in infer(*args, **kwargs):
                    if not isinstance(value, util.UninferableBase):
                        found.add((writer, _root_name(value)))
                    yield value

            expression.infer = watched  # this node only, for this call
            try:
                original(self, node)
            finally:
                del expression.infer

        builder.AstroidBuilder.delayed_assattr = delayed_assattr
        try:
            yield
        finally:
            builder.AstroidBuilder.delayed_assattr = original

    def writers(self) -> set[str]:
        """The modules that wrote into another one."""
        return {writer for writer, target in self.found if target and target != writer}


def _root_name(value: Any) -> str:
    """The module a value lives in ('' when it has none)."""
    try:
        return str(value.root().name)
    except (AttributeError, TypeError, ValueError):
        return ""


class Loads:
    """Module names astroid is asked for, per linted module, in order."""

    def __init__(self) -> None:
        self.current: list[Load] | None = None

    @contextlib.contextmanager
    def recording(self) -> Iterator[None]:
        """Record loads into `current` (when set) for the duration of the block.

        The class is patched: astroid creates managers as it goes (`AstroidManager()`), sharing their state.
        """
        original = AstroidManager.ast_from_module_name
        loads = self

        def ast_from_module_name(
            self: AstroidManager, modname: str | None, context_file: str | None = None, use_cache: bool = True
        ) -> nodes.Module:
            if loads.current is not None and modname is not None:
                loads.current.append((modname, context_file, use_cache))
            return original(self, modname, context_file, use_cache)

        AstroidManager.ast_from_module_name = ast_from_module_name
        try:
            yield
        finally:
            AstroidManager.ast_from_module_name = original

    @staticmethod
    def replay(loads: list[Load]) -> None:
        """Ask astroid for the same modules, in the same order, as a skipped module's lint did."""
        manager = AstroidManager()
        for modname, context_file, use_cache in loads:
            with contextlib.suppress(Exception):  # a failed import fails the same way in a full run
                manager.ast_from_module_name(modname, context_file, use_cache)


def unique(loads: list[Load]) -> list[Load]:
    """Each load once, at its first place: later ones find the module built."""
    return list(dict.fromkeys(loads))
