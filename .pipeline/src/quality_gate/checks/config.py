"""Does a configuration file configure its tool at all? Empty files and files for other tools do not.

Given a file without its section, black, ruff and pylint run silently with their defaults (mypy warns):
not the team's configuration, and for ruff a rule set that changes between releases. An empty section
(`[tool.black]`, `[mypy]`) is how a user takes the defaults on purpose. Text the tool cannot parse is not
judged here: the tool's own message about it is better.
"""

from __future__ import annotations

import configparser
import posixpath
import tomllib
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .base import Check


def toml_lacks(text: str, *keys: str) -> str | None:
    """Why a TOML text has no table at `keys` (e.g. tool.black), or None when it has one or is not TOML."""
    try:
        table: object = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return None
    for key in keys:
        if not isinstance(table, dict) or key not in table:
            return f"no [{'.'.join(keys)}] table"
        table = table[key]
    return None


def ini_lacks(text: str, section: str | None = None) -> str | None:
    """Why an INI text has no `section` (None: no section at all), or None when it has it or is not INI."""
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    try:
        parser.read_string(text)
    except configparser.Error:
        return None
    if section is None:
        return None if parser.sections() else "no section"
    return None if parser.has_section(section) else f"no [{section}] section"


def unconfigured(config: str, checks: Iterable[Check], texts: Mapping[str, str]) -> str | None:
    """One message for every config file (by name, in `texts`) that configures nothing for its check, or None."""
    problems = []
    for check in checks:
        name = check.tool.config_file
        problem = check.config_problem(texts[name]) if name in texts else None
        if problem:
            problems.append(f"{posixpath.join(config, name)} has {problem}")
    if not problems:
        return None
    return (
        f"{'; '.join(problems)}: the tool would run with its defaults, not your settings; copy the file from the "
        "gate's .config/, or add the section (it may be empty) to take the defaults on purpose"
    )
