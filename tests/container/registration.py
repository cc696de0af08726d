"""Registers the module as the Dagger runtime would, without an engine, and prints what it would send.

Run in a subprocess with DAGGER_MAIN_OBJECT set, as the runtime sets it before importing the SDK.
The SDK builds the module's type definitions lazily; the final `Module.id()` is the only call that
needs an engine, so it is replaced by one that returns the query built so far.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import anyio
import dagger


def plain(value: Any) -> Any:
    """A lazily built SDK object as its chain of (field, arguments), recursively."""
    if hasattr(value, "_ctx"):
        selections = value._ctx.selections  # pylint: disable=protected-access  # the SDK's lazily built query
        return [[field.name, {k: plain(v) for k, v in field.args.items()}] for field in selections]
    if isinstance(value, list):
        return [plain(item) for item in value]
    return value


def main() -> None:
    """Print the module definition as JSON."""
    import quality_gate  # pylint: disable=import-outside-toplevel

    module = quality_gate.QualityGate.__dagger_module__
    sent: list[Any] = []

    async def capture_id(self: dagger.Module) -> str:
        sent.extend(plain(self))
        return "captured"

    dagger.Module.id = capture_id  # type: ignore[method-assign]
    anyio.run(module._typedefs)  # pylint: disable=protected-access
    json.dump(sent, sys.stdout)


if __name__ == "__main__":
    main()
