"""CPU slots for the local runner: never more busy tool processes than the CPUs this process may use.

Started all at once on two cores, the four tools time-share both, and pylint, the longest and a single
process, ends well after it would alone. Holding a CPU of its own, it ends as if alone, while the other
tools take turns on the CPUs left, shortest first, so their findings (and --fail-fast) come early.
"""

from __future__ import annotations

import heapq
import itertools
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

import anyio
import anyio.lowlevel


def usable_cpus() -> int:
    """The CPUs this process may run on: its affinity mask, which taskset or a container may narrow."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # macOS and Windows have no affinity call
        return max(1, os.cpu_count() or 1)


@dataclass(order=True)
class _Waiter:
    """A request in the queue; ordered by priority, then by arrival."""

    priority: int
    arrival: int
    want: int = field(compare=False)
    granted: int = field(default=0, compare=False)
    event: anyio.Event = field(default_factory=anyio.Event, compare=False)


class CpuSlots:
    """Counts free CPUs; requests wait in priority order (lower first), then in the order they came."""

    def __init__(self, total: int) -> None:
        self.total = max(1, total)
        self._free = self.total
        self._waiting: list[_Waiter] = []
        self._arrivals = itertools.count()

    @property
    def free(self) -> int:
        """CPUs nobody holds."""
        return self._free

    @asynccontextmanager
    async def hold(self, priority: int, want: int = 1) -> AsyncIterator[int]:
        """Wait for one CPU, take up to `want` when nobody else is waiting, and yield how many were taken.

        Every request joins the queue and the CPUs are handed out only after one turn of the event loop,
        so tools started together (run-all) are served by priority, not by which asked first.
        """
        waiter = _Waiter(priority, next(self._arrivals), max(1, want))
        heapq.heappush(self._waiting, waiter)
        try:
            await anyio.lowlevel.checkpoint()
            self._dispatch()
            await waiter.event.wait()
        except BaseException:  # cancelled: leave the queue, or pass on what was granted meanwhile
            if waiter.granted:
                self._release(waiter.granted)
            else:
                self._waiting.remove(waiter)
                heapq.heapify(self._waiting)
            raise
        try:
            yield waiter.granted
        finally:
            self._release(waiter.granted)

    def _dispatch(self) -> None:
        """Hand free CPUs to the waiters, first by priority then by arrival."""
        while self._free and self._waiting:
            waiter = heapq.heappop(self._waiting)
            waiter.granted = 1 if self._waiting else min(waiter.want, self._free)
            self._free -= waiter.granted
            waiter.event.set()

    def _release(self, count: int) -> None:
        self._free += count
        self._dispatch()
