"""The gate's public function names and the check each one runs: one table for both front doors.

Derived from the checks themselves (each names its function), so a new tool is one file in checks/ and
one line in checks/__init__.py; the CLI and the benchmark read it here, and `make generate` writes the
makefile's targets, the CI jobs and the hooks from it (tests/helpers/per_tool.py).
"""

from __future__ import annotations

from collections.abc import Mapping

from .checks import CHECKS, Check
from .reports.sarif import Driver

# The functions that run every tool, after the one-tool functions: `make run-all`, `dagger call run-all`.
ALL_TOOLS = ("run-all", "report", "fix", "baseline")


def single() -> dict[str, Check]:
    """Function name (as in `make lint`, `dagger call lint`) -> the check it runs, in the summary's order."""
    return {check.function: check for check in CHECKS.values()}


def check_for(function: str) -> Check:
    """The check behind a single-tool function."""
    return single()[function]


def all_checks() -> list[Check]:
    """Every check, in the order the summary lists them."""
    return list(CHECKS.values())


def drivers(versions: Mapping[str, str]) -> dict[str, Driver]:
    """What the SARIF report says of each tool: the version that ran (as the front door knows it), its docs."""
    return {check.name: Driver(versions.get(check.name, ""), check.homepage) for check in all_checks()}
