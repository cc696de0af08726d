"""Stand-ins for a Runner (the protocol of quality_gate.commands): canned answers, a failing tool, a plain subprocess.

They let a test reach what lies past the runner (a check's reading, the review, the cache, the summary)
without the local runner's slots, environments and caches, or without any tool at all.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path

from quality_gate.commands import TOOL_ENVIRONMENT, Command, Execution, Layout, Runner

SOMEWHERE = Layout(source="src", config=".config", workdir="/project")


class Canned:  # pylint: disable=too-few-public-methods  # a Runner
    """Answers each tool with a stored execution, without running it; records every command it was given."""

    incremental = False  # keeps no state: every tool runs plainly

    def __init__(
        self,
        answers: Mapping[str, Execution] | Execution,
        layout: Layout = SOMEWHERE,
        on_run: Callable[[], None] | None = None,
    ) -> None:
        self.answers = answers
        self.layout = layout
        self.on_run = on_run
        self.ran: list[Command] = []

    async def execute(self, command: Command) -> Execution:
        """The tool's stored answer (the same for every tool when one execution was given)."""
        self.ran.append(command)
        if self.on_run is not None:
            self.on_run()
        if isinstance(self.answers, Execution):
            return self.answers
        return self.answers[command.tool.name]


class RaisesFor:  # pylint: disable=too-few-public-methods  # a Runner
    """Another runner, except that one tool's execution raises, as a lost engine connection would."""

    incremental = False  # keeps no state: every tool runs plainly

    def __init__(self, inner: Runner, tool: str) -> None:
        self.inner = inner
        self.layout = inner.layout
        self.tool = tool

    async def execute(self, command: Command) -> Execution:
        """Raise for the chosen tool, run the others."""
        if command.tool.name == self.tool:
            raise ConnectionError("engine connection lost\nsecond line")
        return await self.inner.execute(command)


class Subprocess:  # pylint: disable=too-few-public-methods  # a Runner
    """Runs a command as the container would: in the layout's WORKDIR, with the tool's cache under `cache`."""

    incremental = False  # keeps no state: every tool runs plainly

    def __init__(self, layout: Layout, cache: Path) -> None:
        self.layout = layout
        self.cache = cache

    async def execute(self, command: Command) -> Execution:
        """The tool run by this interpreter, synchronously: nothing else runs beside it."""
        env = {**os.environ, **TOOL_ENVIRONMENT, command.tool.cache_variable: str(self.cache / command.tool.name)}
        started = time.perf_counter()
        done = subprocess.run(
            [sys.executable, *command.argv],
            cwd=self.layout.workdir,
            env=env,
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
        )
        return Execution(done.returncode, done.stdout, done.stderr, time.perf_counter() - started)
