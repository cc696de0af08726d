"""The local result cache: an unchanged project is answered without running the tools.

A key is a sha256 over everything that can change what a tool prints: its command, the interpreter and
every installed distribution (those of the project's environment too, when it has one), the folders of
modules on PYTHONPATH and MYPYPATH (import_path.py), the tools' environment variables, the project's root,
every file of the project the tool can read (see tree.py) except the other tools' configuration files and
the files no tool reads (the baseline: it is applied to the findings afterwards), and the files above the
root that black and ruff read. A result is kept only when no file of the project was touched while the
tool ran, so what is stored is what the tool saw. It knows commands and executions; of the checks, only the
environment variables their tools read.
"""

from __future__ import annotations

import hashlib
import os
import posixpath
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..commands import Command, Execution, Layout
from ..drivers.common.hashing import digest
from ..functions import all_checks
from ..store import ResultStore
from ..tree import Snapshot, ancestors
from . import import_path

# Variables that can change what any tool does (Python's, git's for ignore files, where config is read); each
# tool's own are in its record (Tool.variables).
SHARED_PREFIXES = ("PYTHON", "GIT_", "XDG_CONFIG_HOME", "HOME")


@dataclass
class ResultCache:
    """One run's view of the store: the project as snapshotted at the start and the environment's hash."""

    store: ResultStore
    snapshot: Snapshot
    layout: Layout
    config_files: frozenset[str]  # every tool's configuration file name, to leave the others out of a key
    unread: frozenset[str] = frozenset()  # names in the configuration directory that no tool reads
    tools_site: tuple[str, ...] = ()  # where the tools' interpreter finds packages the gate's does not
    environment: str = ""

    def __post_init__(self) -> None:
        self.environment = environment_digest(Path(self.layout.workdir), self.tools_site)

    def key(self, command: Command) -> str:
        """The key of this command's result for the snapshotted project."""
        left_out = self.unread | (self.config_files - {command.tool.config_file})
        others = frozenset(posixpath.normpath(posixpath.join(self.layout.config, name)) for name in left_out)
        return digest(
            (
                command.tool.name,
                command.tool.module,
                command.tool.cache_variable,
                *command.argv,
                self.environment,
                self.layout.workdir,
                self.layout.source,
                self.layout.config,
                self.snapshot.digest(others),
                config_digest(Path(self.layout.workdir, self.layout.config), left_out, self.layout.bundled),
            )
        )

    def get(self, key: str) -> Execution | None:
        """A stored execution for this key, if any."""
        return self.store.get(key)

    def keep(self, key: str, execution: Execution) -> bool:
        """Store the execution if the project is still exactly as snapshotted; True when stored."""
        if execution.error is not None or execution.exit_code < 0 or not self.snapshot.unchanged():
            return False
        self.store.put(key, execution)
        return True


def config_digest(config: Path, left_out: frozenset[str], bundled: Sequence[tuple[str, str]] = ()) -> str:
    """The configuration directory as one tool sees it (but `left_out`), also when it lies outside the project,
    and the shipped files that stand in for those it lacks (another copy of the gate may ship others)."""
    total = hashlib.sha256()
    for name, path in bundled:
        if name not in left_out:
            total.update(f"bundled {name}".encode("utf-8", "surrogateescape") + b"\0" + _read(Path(path)) + b"\0")
    try:
        names = sorted(path.name for path in config.iterdir() if path.is_file())
    except OSError as error:  # none (a project on the shipped configuration), or unreadable
        names = []
        total.update(f"<config unreadable {error.errno}>".encode())
    for name in names:
        if name in left_out:
            continue
        total.update(name.encode("utf-8", "surrogateescape") + b"\0" + _read(config / name) + b"\0")
    return total.hexdigest()


def environment_digest(root: Path, tools_site: Sequence[str] = ()) -> str:
    """The interpreter, the distributions the tools can import, the folders of modules they import besides them
    (PYTHONPATH's, MYPYPATH's: import_path.py), the tools' variables and the files above the root."""
    total = hashlib.sha256()
    parts = [sys.version, sys.executable, sys.platform, *installed_distributions([*tools_site, *sys.path])]
    parts.append(import_path.digest(root, tools_site))
    prefixes = (*SHARED_PREFIXES, *(prefix for check in all_checks() for prefix in check.tool.variables))
    parts += [f"{name}={value}" for name, value in sorted(os.environ.items()) if name.startswith(prefixes)]
    for part in parts:
        total.update(part.encode("utf-8", "surrogateescape") + b"\0")
    for path in ancestors(root):
        total.update(str(path).encode("utf-8", "surrogateescape") + b"\0" + _read(path) + b"\0")
    return total.hexdigest()


def installed_distributions(paths: Sequence[str]) -> list[str]:
    """Every distribution importable from these paths (the tools'), named with its version.

    The `*.dist-info` directory names on sys.path carry name and version, and `.pth` files say what
    editable installs add: listing them costs a millisecond, reading every METADATA a tenth of a second.
    """
    found: list[str] = []
    for entry in paths:
        try:
            names = sorted(path.name for path in Path(entry or ".").iterdir())
        except OSError:
            continue
        for name in names:
            if name.endswith((".dist-info", ".egg-info", ".egg-link")):
                found.append(f"{entry}/{name}")
            elif name.endswith(".pth"):
                found.append(f"{entry}/{name}:{_read(Path(entry, name)).hex()}")
    return found


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        return f"<unreadable {error.errno}>".encode()
