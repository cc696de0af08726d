"""A result cache for the local runner: an unchanged tree is answered without running the tools.

The key is a sha256 over everything that can change what a tool prints: the command, the interpreter
and every installed distribution, the tools' environment variables, the working directory, every file
of the configuration directory, every file of the source tree (relative path and content), and the
ignore files above the source that black and ruff read. Over-inclusion only costs a miss.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import stat
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import anyio.to_thread

from .checks import CHECKS
from .execution import Command, Execution, Layout, Runner
from .findings import Verdict

FORMAT = "quality-gate-result-cache/1"
MAX_ENTRIES = 256
# Never read by any tool (version control internals, bytecode, the tools' own caches): skipped whole.
SKIP_DIRS = frozenset({".git", ".hg", ".svn", "__pycache__", ".mypy_cache", ".ruff_cache", ".pytest_cache"})
# Environments: ruff, black and mypy skip them, but pylint --recursive=y lints any .py file in them;
# their Python files are fingerprinted by size and mtime (pip rewrites what it installs) instead of read.
ENV_DIRS = frozenset({".venv", "venv", ".tox", ".nox", "node_modules", ".eggs"})
PYTHON_SUFFIXES = (".py", ".pyi")
# Files above the source that decide what black and ruff walk (.gitignore, project root markers).
ANCESTOR_FILES = (".gitignore", ".ignore", "pyproject.toml", ".git/info/exclude")
ENV_PREFIXES = ("PYTHON", "MYPY", "PYLINT", "RUFF_", "BLACK_", "GIT_", "XDG_CONFIG_HOME", "HOME")

Storable = Callable[[Command, Execution, Layout], bool]


def caching(runner: Runner, cache_root: Path, enabled: bool) -> Runner:
    """The runner itself when disabled; otherwise a CachingRunner storing under `<cache_root>/results`."""
    return CachingRunner(runner, cache_root / "results") if enabled else runner


def storable(command: Command, execution: Execution, layout: Layout) -> bool:
    """Only a check's own command that ran to a verdict (passed or findings) is stored.

    A tool that could not run is retried next time, and any other command (a fixer that rewrites files)
    is never replayed, whoever wraps it in this runner.
    """
    if execution.error is not None or execution.exit_code < 0:
        return False
    check = CHECKS.get(command.tool)
    if check is None or command != check.command(layout):
        return False
    return check.interpret(execution, layout).verdict is not Verdict.BROKEN


class CachingRunner:
    """Wraps a runner: a hit replays the stored execution with `cached=True`, a miss runs and stores it."""

    def __init__(self, inner: Runner, store: Path, should_store: Storable = storable) -> None:
        self.inner = inner
        self.layout = inner.layout
        self.store = store
        self.should_store = should_store

    async def execute(self, command: Command) -> Execution:
        """The stored execution for these exact inputs, or the inner runner's (stored when it reached a verdict)."""
        started = time.perf_counter()
        key = await anyio.to_thread.run_sync(self.key, command)
        entry = self.store / f"{key}.json"
        stored = await anyio.to_thread.run_sync(_load, entry, key)
        if stored is not None:
            return Execution(stored.exit_code, stored.stdout, stored.stderr, time.perf_counter() - started, cached=True)
        execution = await self.inner.execute(command)
        # A tree edited while the tool ran may match neither key: store only when it is still the same.
        if (
            self.should_store(command, execution, self.layout)
            and await anyio.to_thread.run_sync(self.key, command) == key
        ):
            await anyio.to_thread.run_sync(_save, entry, key, execution)
        return execution

    def key(self, command: Command) -> str:
        """The sha256 of every input of this command's result."""
        digest = hashlib.sha256()

        def add(*parts: str | bytes) -> None:
            for part in parts:
                data = part.encode("utf-8", "surrogateescape") if isinstance(part, str) else part
                digest.update(len(data).to_bytes(8, "big"))
                digest.update(data)

        add(FORMAT, command.tool, command.module, command.cache_variable, *command.argv)
        add("python", sys.version, sys.executable, sys.platform)
        for name_version in installed_distributions():
            add("dist", name_version)
        for name in sorted(os.environ):
            if name.startswith(ENV_PREFIXES) and name != command.cache_variable:
                add("env", name, os.environ[name])
        workdir = Path(self.layout.workdir)
        add("workdir", str(workdir.resolve()), "source", self.layout.source, "config", self.layout.config)
        source, config = workdir / self.layout.source, workdir / self.layout.config
        for label, root in (("config", config), ("source", source)):
            add(label)
            for relative, content in tree(root):
                add(relative, content)
        add("ancestors")
        for path in ancestors(source):
            add(str(path), _read(path))
        return digest.hexdigest()


def installed_distributions() -> list[str]:
    """Every distribution importable by the tools (they run with this interpreter), named with its version.

    The `*.dist-info` directory names on sys.path carry name and version, and `.pth` files say what
    editable installs add: listing them costs a millisecond, reading every METADATA a tenth of a second.
    """
    found: list[str] = []
    for entry in sys.path:
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


def tree(root: Path) -> Iterator[tuple[str, bytes]]:
    """(relative path, content) of every file under root, sorted; a missing root yields a marker."""
    if not root.is_dir():
        yield ("<missing>", str(root).encode())
        return
    for relative, path, in_env in sorted(_walk(root, "", in_env=False)):
        if in_env:
            info = path.stat()
            yield (relative, f"{info.st_size}:{info.st_mtime_ns}".encode())
        else:
            yield (relative, _read(path))


def _walk(directory: Path, prefix: str, in_env: bool) -> Iterator[tuple[str, Path, bool]]:
    try:
        entries = list(os.scandir(directory))
    except OSError as error:
        yield (f"{prefix}<unreadable {error.errno}>", directory, False)
        return
    for entry in entries:
        relative = f"{prefix}{entry.name}"
        try:
            mode = entry.stat(follow_symlinks=True).st_mode
        except OSError:
            yield (f"{relative}<dangling>", Path(entry.path), False)
            continue
        if stat.S_ISDIR(mode):
            if entry.name in SKIP_DIRS:
                continue
            yield from _walk(Path(entry.path), f"{relative}/", in_env or entry.name in ENV_DIRS)
        elif stat.S_ISREG(mode) and (not in_env or entry.name.endswith(PYTHON_SUFFIXES)):
            yield (relative, Path(entry.path), in_env)


def ancestors(source: Path) -> list[Path]:
    """The ignore files and project markers in the source's parent directories that exist."""
    found: list[Path] = []
    for directory in source.resolve().parents:
        found.extend(path for name in ANCESTOR_FILES if (path := directory / name).is_file())
        if (directory / ".git").exists():
            found.append(directory / ".git")
    return found


def _read(path: Path) -> bytes:
    if path.is_dir():
        return b"<directory>"
    try:
        return path.read_bytes()
    except OSError as error:
        return f"<unreadable {error.errno}>".encode()


def _load(entry: Path, key: str) -> Execution | None:
    """The stored execution, or None when absent, unreadable, corrupt or for another key."""
    try:
        record = json.loads(entry.read_text(encoding="utf-8"))
        if record["format"] != FORMAT or record["key"] != key:
            return None
        exit_code, stdout, stderr = record["exit_code"], record["stdout"], record["stderr"]
        if not (isinstance(exit_code, int) and isinstance(stdout, str) and isinstance(stderr, str)):
            return None
    except (OSError, ValueError, KeyError, TypeError):
        return None
    with contextlib.suppress(OSError):
        os.utime(entry)  # most recently used, for pruning
    return Execution(exit_code, stdout, stderr, 0.0, cached=True)


def _save(entry: Path, key: str, execution: Execution) -> None:
    """Write to a temporary file then rename, so that readers see a whole entry or none; never raise."""
    record = {
        "format": FORMAT,
        "key": key,
        "exit_code": execution.exit_code,
        "stdout": execution.stdout,
        "stderr": execution.stderr,
        "seconds": execution.seconds,
    }
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=entry.parent, prefix=".tmp-", suffix=".json")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as file:
                json.dump(record, file)
            Path(temporary).replace(entry)
        except BaseException:
            with contextlib.suppress(OSError):
                Path(temporary).unlink()
            raise
        _prune(entry.parent)
    except OSError:
        pass  # a store that cannot be written only means the next run is a miss


def _prune(store: Path, keep: int = MAX_ENTRIES) -> None:
    entries = sorted(store.glob("*.json"), key=_mtime, reverse=True)
    for old in entries[keep:]:
        with contextlib.suppress(OSError):
            old.unlink()


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0
