"""Keys: what a module's result depends on besides the modules it imports, and where an import leads.

The run's key covers what is the same for every module: this driver's own code, pylint's and astroid's
versions, Python's, the interpreter, the hash seed, the working directory, sys.path and the names in each of
its folders (installed distributions by name and version, and any module that appears there), every
option's value after the rcfile and the command line, the messages' enabled states, the loaded plugins, and
the list of checked files (adding or removing a module changes what every import resolves to).
"""

from __future__ import annotations

import os
import sys
import sysconfig
from collections.abc import Iterable, Sequence
from pathlib import Path

import astroid  # type: ignore[import-untyped]  # astroid ships no type information
import astroid.modutils  # type: ignore[import-untyped]
import pylint
from pylint.lint import PyLinter
from pylint.typing import FileItem

from ..common.hashing import digest, source_digest
from .graph import Node, Resolve


def run_key(linter: PyLinter, items: Sequence[FileItem], extra_paths: Sequence[str]) -> str:
    """The key every module's key starts from."""
    config = sorted((name, repr(value)) for name, value in vars(linter.config).items())
    states = sorted(linter._msgs_state.items())  # pylint: disable=protected-access
    plugins = sorted(linter._dynamic_plugins)  # pylint: disable=protected-access
    return digest(
        [
            driver_digest(),
            pylint.__version__,
            astroid.__version__,
            sys.version,
            sys.executable,
            sys.platform,
            os.environ.get("PYTHONHASHSEED", "<random>"),
            str(Path.cwd()),
            repr(sys.path),
            repr(list(extra_paths)),
            *_folder_listings([*sys.path, *extra_paths]),
            repr(config),
            repr(states),
            repr(plugins),
            *(f"{item.name}\0{item.filepath}\0{item.modpath}" for item in items),
        ]
    )


def driver_digest() -> str:
    """This driver's own source and what it shares."""
    return source_digest(Path(__file__).resolve().parent)


def _folder_listings(folders: Iterable[str]) -> list[str]:
    """The names in each folder on the path: a module that appears there may answer an import."""
    listings = []
    for folder in dict.fromkeys(folders):
        try:
            names = sorted(entry.name for entry in Path(folder or ".").iterdir())
        except OSError:
            names = ["<unreadable>"]
        listings.append(f"{folder}\0" + "\0".join(names))
    return listings


def environment_folders() -> tuple[str, ...]:
    """Where the standard library and installed distributions live: their versions are in the run's key."""
    paths = sysconfig.get_paths()
    return tuple(
        sorted(
            {os.path.realpath(paths[name]) for name in ("stdlib", "platstdlib", "purelib", "platlib") if name in paths}
        )
    )


def resolver() -> Resolve:
    """A module name outside the checked modules -> its file when that lies outside the environment, else None."""
    inside = environment_folders()
    known: dict[str, Node | None] = {}

    def resolve(name: str) -> Node | None:
        if name not in known:
            known[name] = _resolve(name, inside)
        return known[name]

    return resolve


def _resolve(name: str, inside: tuple[str, ...]) -> Node | None:
    try:
        path = astroid.modutils.file_from_modpath(name.split("."))
    except (ImportError, SyntaxError, ValueError, OSError):
        return None
    if not path or not path.endswith((".py", ".pyi")):
        return None  # built into the interpreter, or compiled: the environment's
    real = os.path.realpath(path)
    if any(real == folder or real.startswith(folder + os.sep) for folder in inside):
        return None
    return Node(name, path, Path(path).name.startswith("__init__."))
