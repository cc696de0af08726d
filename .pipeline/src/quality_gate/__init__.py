"""A quality gate for Python projects: pylint, black, mypy and ruff, alone or all at once, on Dagger or locally."""

from __future__ import annotations

from typing import Any

__all__ = ["QualityGate"]  # pylint: disable=undefined-all-variable  # via __getattr__


# The Dagger runtime loads `quality_gate:QualityGate`, which goes through this hook.
# The import is lazy so that the local runner (`python -m quality_gate`) does not pay
# for importing the Dagger SDK (over two seconds), which it never uses.
def __getattr__(name: str) -> Any:
    if name == "QualityGate":
        from .container.module import QualityGate  # pylint: disable=import-outside-toplevel

        return QualityGate
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
