"""The one interface between checks and the places they run: a command in, an execution out."""

from __future__ import annotations

import hashlib
import posixpath
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

# Set for every tool run, by both runners. pylint's findings on a large tree vary from run to run with
# Python's random hash seed (rich 15.0.0: 1853 to 1898 messages); a fixed seed makes them the same on a
# laptop, in CI and in Dagger.
TOOL_ENVIRONMENT: dict[str, str] = {"PYTHONHASHSEED": "0"}

# In the configuration directory: the tools' pinned versions (with their hashes), and, optionally, the project's
# own pinned packages, installed beside the tools so that mypy and pylint can follow the project's imports.
TOOL_REQUIREMENTS = "requirements.txt"
PROJECT_REQUIREMENTS = "project-requirements.txt"
# Python's source files, which the tools check (each check says which of them it reads).
PYTHON_SUFFIXES = (".py", ".pyi")


@dataclass(frozen=True)
class Layout:
    """Where a runner puts things, as the tools will see them."""

    source: str
    config: str
    workdir: str
    # Paths under the source that git ignores (from the project's root). black and ruff read .gitignore and leave
    # them out; mypy and pylint are told to. Locally only: Dagger's workspace never holds such files.
    ignored: tuple[str, ...] = ()
    # The configuration files the project does not have, taken from the gate's shipped ones (defaults.py), each
    # with the path its tool reads it at.
    bundled: tuple[tuple[str, str], ...] = ()
    # The configuration folder as the user names it, when the tools see it elsewhere (Dagger mounts it).
    config_shown: str = ""


@dataclass(frozen=True)
class Tool:  # pylint: disable=too-many-instance-attributes  # a tool's facts, each for another reader
    """What the runners need to know of a tool, stated once: checks and fixers share it."""

    name: str
    module: str  # run as `python -m <module>`
    cache_variable: str  # the environment variable that moves its cache out of the source
    config_file: str  # its file in the config directory: the one file a Dagger exec mounts
    priority: int = 0  # when CPUs are short, lower starts first (local runner)
    workers_variable: str | None = None  # how the tool is told its number of worker processes, if it has them
    # A cache that maps modules to paths and may replay a moved file's old path (mypy 2.4 does): it is kept
    # per set of files, so adding, moving or removing a file starts it afresh while edits keep it warm.
    cache_per_file_set: bool = False
    # How the environment variables it reads begin: a change of one of them is a change of the local result
    # cache's key (local/result_cache.py).
    variables: tuple[str, ...] = ()
    # The folder it keeps its cache in when people run it by hand in a project: no source, never checked, only
    # its Python files read (tree.py), never sent to Dagger.
    cache_folder: str = ""

    def config_in(self, layout: Layout) -> str:
        """Its configuration file: in the layout's config directory, or the shipped one the project lacks."""
        return dict(layout.bundled).get(self.config_file) or posixpath.join(layout.config, self.config_file)

    def config_used(self, layout: Layout) -> str:
        """Which configuration file it runs with, as the user knows it (for the summary)."""
        bundled = self.config_file in dict(layout.bundled)
        if bundled:
            return f"bundled {self.config_file}"
        return posixpath.join(layout.config_shown or layout.config, self.config_file)


@dataclass(frozen=True)
class Command:
    """A tool invocation, `python -m <module> <args>`, identical for every runner."""

    tool: Tool
    args: tuple[str, ...]
    # A module of this package that runs the tool with the same arguments and output, reusing what it kept of
    # earlier runs (drivers/pylint): the tool's interpreter must be able to import it (see drivers/launch.py).
    driver: str | None = None

    @property
    def module(self) -> str:
        """The module `python -m` runs."""
        return self.driver or self.tool.module

    @property
    def uses_driver(self) -> bool:
        """Whether the command runs this package's own code rather than the tool's."""
        return self.driver is not None

    @property
    def argv(self) -> tuple[str, ...]:
        """The command line after the interpreter."""
        return ("-m", self.module, *self.args)

    def invocation(self, python: str) -> tuple[str, ...]:
        """The whole command line, the same in a container and locally.

        `-P` keeps the working directory (the project's root) off sys.path: a project's `json.py` or `types.py`
        must not replace the standard library's inside a tool.
        """
        return (python, "-P", *self.argv)


def file_set_digest(paths: Iterable[str]) -> str:
    """A short name for a set of file paths (for caches kept per file set)."""
    return hashlib.sha256("\0".join(sorted(paths)).encode("utf-8", "surrogateescape")).hexdigest()[:16]


@dataclass(frozen=True)
class Execution:
    """What running a command gave; `error` is set when it could not be started, `cached` when it was replayed."""

    exit_code: int
    stdout: str
    stderr: str
    seconds: float
    error: str | None = None
    cached: bool = False


class Runner(Protocol):  # pylint: disable=too-few-public-methods  # one method is the whole interface
    """Runs a command somewhere and reports how it went."""

    layout: Layout
    incremental: bool  # state kept between runs: checks with an incremental driver run through it

    async def execute(self, command: Command) -> Execution:
        """Run the command to its end (or until cancelled) and collect its output."""
