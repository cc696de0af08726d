"""The one interface between checks and the places they run: a command in, an execution out."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

# Set for every tool run, by both runners. pylint's findings on a large tree vary from run to run with
# Python's random hash seed (rich 15.0.0: 1853 to 1898 messages); a fixed seed makes them the same on a
# laptop, in CI and in Dagger.
TOOL_ENVIRONMENT: dict[str, str] = {"PYTHONHASHSEED": "0"}


@dataclass(frozen=True)
class Layout:
    """Where a runner puts things, as the tools will see them."""

    source: str
    config: str
    workdir: str


@dataclass(frozen=True)
class Command:
    """A tool invocation, `python -m <module> <args>`, identical for every runner."""

    tool: str
    module: str
    args: tuple[str, ...]
    cache_variable: str
    config_file: str  # its file in the config directory: the one file a Dagger exec mounts
    priority: int = 0  # when CPUs are short, lower starts first (local runner)
    workers_variable: str | None = None  # how the tool is told its number of worker processes, if it has them

    @property
    def argv(self) -> tuple[str, ...]:
        """The command line after the interpreter."""
        return ("-m", self.module, *self.args)


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

    async def execute(self, command: Command) -> Execution:
        """Run the command to its end (or until cancelled) and collect its output."""
