"""The gate's public function names and the check each one runs, shared by both front doors."""

from __future__ import annotations

from .checks import CHECKS, Check

# Function name (as in `make lint`, `dagger call lint`) -> the check it runs.
SINGLE: dict[str, str] = {"lint": "pylint", "format": "black", "mypy": "mypy", "ruff": "ruff"}


def check_for(function: str) -> Check:
    """The check behind a single-tool function."""
    return CHECKS[SINGLE[function]]


def all_checks() -> list[Check]:
    """Every check, in the order the summary lists them."""
    return [CHECKS[name] for name in SINGLE.values()]
