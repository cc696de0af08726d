"""Signals that end the gate end its tools first: SIGTERM and SIGHUP stop it as Ctrl-C does.

`timeout`, a CI job's cancel and a closed terminal send SIGTERM or SIGHUP. Python's default for them is to
die at once, leaving the tools' process groups running. While tools run, the signal cancels the task group
(the local runner kills each tool's group on the way out); outside that, it raises Interrupted at once,
which is safe because no tool is running then.
"""

from __future__ import annotations

import contextlib
import signal
from collections.abc import Awaitable, Callable, Iterator
from types import FrameType
from typing import TypeVar, TypeVarTuple, Unpack

import anyio

STOPPING = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name))

Result = TypeVar("Result")
Arguments = TypeVarTuple("Arguments")


class Interrupted(BaseException):
    """A signal asked the gate to stop (a BaseException, like KeyboardInterrupt: nothing may swallow it)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum

    @property
    def name(self) -> str:
        """SIGTERM, SIGHUP."""
        return signal.Signals(self.signum).name

    @property
    def exit_code(self) -> int:
        """128 + the signal's number, as a shell reports a process the signal ended."""
        return 128 + self.signum


def _raise(signum: int, frame: FrameType | None) -> None:
    del frame
    for stopping in STOPPING:  # one stop is enough: later signals must not break the clean-up under way
        signal.signal(stopping, signal.SIG_IGN)
    raise Interrupted(signum)


def install() -> None:
    """From now on, a stopping signal raises Interrupted (outside run(), where tools are running)."""
    for signum in STOPPING:
        signal.signal(signum, _raise)


@contextlib.contextmanager
def held() -> Iterator[None]:
    """Ctrl-C and the stopping signals wait until the block has ended, then act: a step is done whole or not.

    Their handlers are swapped for one that only notes the signal (a signal mask would not do: it is the calling
    thread's, and another thread of the process would take the signal); the first noted is raised again after.
    """
    received: list[int] = []

    def note(signum: int, frame: FrameType | None) -> None:
        del frame
        received.append(signum)

    previous = {signum: signal.signal(signum, note) for signum in (signal.SIGINT, *STOPPING)}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        if received:
            signal.raise_signal(received[0])


# The local runner supports Python 3.11, which has no type parameter syntax (PEP 695).
def run(  # noqa: UP047
    function: Callable[[Unpack[Arguments]], Awaitable[Result]], *args: Unpack[Arguments]  # noqa: UP044
) -> Result:
    """anyio.run, where a stopping signal cancels everything (tools killed, awaited), then raises Interrupted."""
    received: list[int] = []
    returned: list[Result] = []

    async def main() -> None:
        async with anyio.create_task_group() as group:
            with anyio.open_signal_receiver(*STOPPING) as signals:

                async def watch() -> None:
                    async for signum in signals:
                        received.append(signum)
                        group.cancel_scope.cancel()
                        return

                group.start_soon(watch)
                returned.append(await function(*args))
                group.cancel_scope.cancel()

    try:
        anyio.run(main)
    finally:
        install()  # the event loop put back the default handlers when it closed
    if received:
        raise Interrupted(received[0])
    return returned[0]
