"""Live progress of the local run-all on stderr: which tools still run, and each verdict the moment it is known.

On a terminal, one line per tool, redrawn every second: `running 12 s` until its verdict line replaces it.
Without one (CI logs, pipes), on a terminal that cannot move the cursor (TERM=dumb or unset) or with NO_COLOR
set, one line per tool as it finishes, in the order they finish, without any escape code. stdout keeps the
report (the table, the failing tools' output, the table again): the same text as summary.txt.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import TextIO, TypeVar

import anyio

from ..findings import ToolResult
from ..reports.text import printable

REDRAW_SECONDS = 1.0
# Terminals that cannot move the cursor: the live block would print its escape codes as text.
DUMB_TERMINALS = frozenset({"", "dumb"})

Result = TypeVar("Result")


def can_redraw(environment: Mapping[str, str]) -> bool:
    """Whether the terminal may be sent escape codes: its TERM names one that moves the cursor, and the user has not
    asked for plain output with NO_COLOR (no-color.org: any non-empty value); otherwise one line per verdict."""
    return environment.get("TERM", "") not in DUMB_TERMINALS and not environment.get("NO_COLOR")


class Progress:
    """The state of each tool of one run, shown on a stream (implements gate.Watch)."""

    def __init__(self, tools: Sequence[str], stream: TextIO, live: bool) -> None:
        self.tools = list(tools)
        self.stream: TextIO | None = stream  # None once it cannot be written to: progress never stops a run
        self.live = live
        self.started_at: dict[str, float] = {}
        self.lines: dict[str, str] = {}  # the verdict line of each tool that has finished
        self._drawn = 0  # lines of the live block on the screen

    @classmethod
    def on(cls, stream: TextIO, tools: Sequence[str]) -> Progress:
        """Progress on this stream: live when it is a terminal that takes cursor movements (see can_redraw)."""
        try:
            live = stream.isatty() and can_redraw(os.environ)
        except (AttributeError, ValueError):
            live = False
        return cls(tools, stream, live)

    def started(self, tool: str) -> None:
        """The tool's check started: shown as running from now."""
        self.started_at[tool] = time.perf_counter()
        if self.live:
            self.draw()

    def finished(self, result: ToolResult) -> None:
        """The tool's verdict line, at once."""
        took = "cached" if result.cached else f"{result.seconds:.1f} s"
        self.lines[result.tool] = printable(f"{result.outcome.headline} ({took})")
        if self.live:
            self.draw()
        else:
            self._write(self.lines[result.tool] + "\n")

    def line(self, tool: str) -> str:
        """What the block shows for a tool now."""
        if tool in self.lines:
            return self.lines[tool]
        if tool in self.started_at:
            return f"{tool} running {time.perf_counter() - self.started_at[tool]:.0f} s"
        return f"{tool} waiting"

    def draw(self) -> None:
        """Redraw the block in place: back to its first line, each line cleared, cut to the terminal's width."""
        width = max(20, shutil.get_terminal_size().columns - 1)
        up = f"\x1b[{self._drawn}F" if self._drawn else ""
        self._write(up + "".join(f"\x1b[2K{self.line(tool)[:width]}\n" for tool in self.tools))
        self._drawn = len(self.tools)

    async def shown(self, work: Callable[[], Awaitable[Result]]) -> Result:
        """The work's result; meanwhile, on a terminal, the block is redrawn every second (running tools count)."""
        if not self.live:
            return await work()
        done: list[Result] = []
        async with anyio.create_task_group() as group:
            group.start_soon(self._tick)
            done.append(await work())
            group.cancel_scope.cancel()
        self.draw()
        return done[0]

    async def _tick(self) -> None:
        while True:
            self.draw()
            await anyio.sleep(REDRAW_SECONDS)

    def _write(self, text: str) -> None:
        if self.stream is None:
            return
        try:
            self.stream.write(text)
            self.stream.flush()
        except (OSError, ValueError):  # closed, or a broken pipe: the run goes on without progress
            self.stream = None
