"""The four checks, defined once for every runner."""

from .base import Check
from .black import Black
from .mypy import Mypy
from .pylint import Pylint
from .ruff import Ruff

CHECKS: dict[str, Check] = {check.name: check for check in (Pylint(), Black(), Mypy(), Ruff())}

__all__ = ["CHECKS", "Black", "Check", "Mypy", "Pylint", "Ruff"]
