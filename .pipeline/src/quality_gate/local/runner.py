"""The runner without Docker: each tool as a subprocess of this interpreter, in its own process group."""

from __future__ import annotations

import contextlib
import importlib.metadata
import importlib.util
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import anyio
import anyio.abc
from anyio.streams.text import TextReceiveStream

from ..commands import TOOL_ENVIRONMENT, Command, Execution, Layout
from ..drivers import launch as driver
from ..store import cache_for_file_set
from .slots import CpuSlots, usable_cpus

DEFAULT_TIMEOUT = 1800.0  # seconds per tool: generous, but a tool stuck on a FIFO or a huge file ends


def installed_versions(names: list[str]) -> dict[str, str]:
    """Each tool's version where the local runner runs it: the gate's own environment (a project's environment
    sees the same tools); a tool not installed there has none."""
    versions = {}
    for name in names:
        with contextlib.suppress(importlib.metadata.PackageNotFoundError):
            versions[name] = importlib.metadata.version(name)
    return versions


class LocalRunner:  # pylint: disable=too-few-public-methods  # implements the one-method Runner protocol
    """Runs `python -P -m <tool>` with the interpreter that runs the gate, so the pinned venv is used.

    With the project's own environment (project_env.py), its interpreter instead: the same tools, and the
    project's packages beside them. `-P` keeps the working directory off sys.path: a project's `types.py`
    must not replace the standard library's inside a tool. Concurrent commands share the CPUs through slots
    (see slots.py).
    """

    def __init__(  # pylint: disable=too-many-arguments  # past cache_root: settings, each optional, named
        self,
        layout: Layout,
        cache_root: Path,
        *,
        cpus: int | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        file_set: str = "",
        python: str = sys.executable,
        incremental: bool = False,
    ) -> None:
        self.layout = layout
        self.python = python
        self.incremental = incremental  # pylint through its driver, its state in the tool's cache
        self.cache_root = cache_root
        self.timeout = timeout
        self.file_set = file_set  # names the caches of tools that keep one per set of files
        self.slots = CpuSlots(usable_cpus() if cpus is None else cpus)

    async def execute(self, command: Command) -> Execution:
        """Run the tool with this interpreter, its cache under cache_root, once a CPU is free; time the run."""
        tool = command.tool
        if importlib.util.find_spec(tool.module) is None:
            message = f"{tool.module} is not installed in {sys.executable}; run `make venv` to install the pins"
            return Execution(127, "", "", 0.0, error=message)
        cache = self.cache_root / tool.name
        if tool.cache_per_file_set and self.file_set:
            cache = cache_for_file_set(cache, self.file_set)
        cache.mkdir(mode=0o700, parents=True, exist_ok=True)
        env = {**tool_environment(), tool.cache_variable: str(cache)}
        if command.uses_driver:
            env.update(driver.local_environment(env.get("PYTHONPATH")))
        want = self.slots.total if tool.workers_variable else 1
        async with self.slots.hold(tool.priority, want) as cpus:
            if tool.workers_variable:
                env[tool.workers_variable] = str(cpus)
            started = time.perf_counter()
            with anyio.move_on_after(self.timeout) as limit:
                exit_code, stdout, stderr = await run_process(
                    list(command.invocation(self.python)), self.layout.workdir, env
                )
        seconds = time.perf_counter() - started
        if limit.cancelled_caught:
            return Execution(-9, "", "", seconds, error=f"timed out after {self.timeout:g} s (--timeout SECONDS)")
        return Execution(exit_code, stdout, stderr, seconds)


def tool_environment() -> dict[str, str]:
    """This process's environment for a tool: a fixed hash seed, and no bytecode written into the project."""
    return {**os.environ, **TOOL_ENVIRONMENT, "PYTHONDONTWRITEBYTECODE": "1"}


async def run_process(argv: list[str], cwd: str, env: dict[str, str]) -> tuple[int, str, str]:
    """Run to completion, reading both streams; on cancellation kill the whole process group."""
    process = await anyio.open_process(
        argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL, start_new_session=True  # a group of its own
    )
    chunks: dict[str, list[str]] = {"stdout": [], "stderr": []}
    try:
        async with anyio.create_task_group() as group:
            group.start_soon(_drain, process.stdout, chunks["stdout"])
            group.start_soon(_drain, process.stderr, chunks["stderr"])
            exit_code = await process.wait()
    except BaseException:
        _kill_group(process)
        with anyio.CancelScope(shield=True):
            await process.wait()
        raise
    finally:
        await process.aclose()
    return exit_code, "".join(chunks["stdout"]), "".join(chunks["stderr"])


async def _drain(stream: anyio.abc.ByteReceiveStream | None, into: list[str]) -> None:
    if stream is not None:
        async for text in TextReceiveStream(stream, errors="replace"):
            into.append(text)


def _kill_group(process: anyio.abc.Process) -> None:
    with contextlib.suppress(ProcessLookupError):  # the group is already gone
        os.killpg(process.pid, signal.SIGKILL)
