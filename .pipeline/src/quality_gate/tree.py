"""What the tools can read in a project, defined once: for the result cache's key, its checks, and "no file".

Inside the source every regular file counts for the key (mypy and pylint may import a file git ignores), and
environments and caches only by their Python files; elsewhere under the project root, what git would not ignore,
since mypy and pylint follow imports out of the source. The files checked are fewer: those under the source that
git does not ignore and that lie in no folder no tool checks (CHECKED_NOWHERE, the shipped configurations' list);
git-ignored ones are named to mypy and pylint, which do not read .gitignore (see `Snapshot.ignored`). Directory
links are followed as the tools follow them; a link back into its own ancestry would make them loop, so it is an
error before any tool starts.
"""

from __future__ import annotations

import hashlib
import os
import posixpath
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pathspec

from .checks import CHECKS
from .commands import PYTHON_SUFFIXES
from .errors import QualityGateError

# Version control internals: no tool reads them.
VCS_DIRS = frozenset({".git", ".hg", ".svn"})
# Caches and bytecode: only a Python file in one of them is read (black checks them). The gate's tools' own
# folders (.mypy_cache) are in their records, besides those of tools people run beside them.
CACHE_DIRS = frozenset(
    {"__pycache__", ".pytest_cache", ".cache", *(check.tool.cache_folder for check in CHECKS.values())} - {""}
)
# Environments: ruff, black and mypy skip them; pylint may not. Their Python files count by size and time
# (pip rewrites what it installs), the rest not at all; outside the source they are skipped whole.
ENV_DIRS = frozenset({".venv", "venv", ".tox", ".nox", "node_modules", ".eggs"})
# Directories no tool is given as source (their Python files count for black, by name, see the walk).
NEVER_SOURCE_DIRS = VCS_DIRS | CACHE_DIRS | ENV_DIRS
# Names under the source that no tool checks, file or folder, as the shipped configurations of the four say (each
# tool skips some of them by itself): hidden ones (mypy skips them whatever it is told), environments, caches and
# build output.
CHECKED_NOWHERE = frozenset(
    {
        *("CVS", "venv", "node_modules", "site-packages", "__pycache__"),
        *("__pypackages__", "_build", "buck-out", "build", "dist"),
    }
)
# Files above the project root that decide what black and ruff walk (a root without .git looks higher).
ANCESTOR_FILES = (".gitignore", ".ignore", "pyproject.toml")


class TreeError(QualityGateError):
    """The tree cannot be checked as it is (a directory link loop): said before any tool starts."""


def project_root(start: Path) -> Path:
    """The repository root (the nearest directory holding .git), or `start` itself outside a repository."""
    start = start.resolve()
    for directory in (start, *start.parents):
        if (directory / ".git").exists():
            return directory
    return start


@dataclass(frozen=True)
class Identity:
    """What changes whenever a file is written, renamed over or replaced, even back to its old bytes."""

    size: int
    mtime_ns: int
    ctime_ns: int
    inode: int

    @classmethod
    def of(cls, info: os.stat_result) -> Identity:
        """The identity in a stat result."""
        return cls(info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)


@dataclass(frozen=True)
class Entry:  # pylint: disable=too-many-instance-attributes  # one file's facts, each for another reader
    """One file as found: where, whether only its identity counts, and in which part of the tree."""

    path: str  # relative to the root, with forward slashes
    real: Path
    identity: Identity | None  # None: not a regular file (a dangling link, a FIFO): only its name counts
    by_identity: bool  # environments: size and times instead of the content
    in_source: bool
    counted: bool  # a Python file the checks are given (not git-ignored, outside the folders no tool checks)
    linked: bool = False  # a link, or reached through a directory link: `fix` never writes through one
    git_ignored: str | None = None  # in the source and ignored by git: the file, or its topmost ignored folder


@dataclass
class Snapshot:
    """The files under a root as they were when it was taken: each one's identity and content digest."""

    root: Path
    source: str
    entries: dict[str, Entry] = field(default_factory=dict)
    digests: dict[str, bytes] = field(default_factory=dict)

    @classmethod
    def take(cls, root: Path, source: str, contents: bool = True) -> Snapshot:
        """Walk the tree once, and hash what the tools can read unless told not to (no result cache).

        Each file's identity is taken before its content is read, so a write in between shows up later.
        Raises TreeError for a directory link loop.
        """
        snapshot = cls(root, posixpath.normpath(source))
        for entry in walk(root, snapshot.source):
            snapshot.entries[entry.path] = entry
            if contents:
                snapshot.digests[entry.path] = _digest(entry)
        return snapshot

    def digest(self, leave_out: frozenset[str] = frozenset()) -> str:
        """One hash over every file but those left out (another tool's configuration file, for instance)."""
        total = hashlib.sha256()
        for path in sorted(self.digests):
            if path not in leave_out:
                total.update(path.encode("utf-8", "surrogateescape") + b"\0" + self.digests[path])
        return total.hexdigest()

    def ignored(self) -> tuple[str, ...]:
        """The paths under the source that git ignores and that hold Python files (a folder once, at its top)."""
        return tuple(
            sorted({entry.git_ignored for entry in self.entries.values() if entry.git_ignored and _python(entry.path)})
        )

    def python_files(self, suffixes: tuple[str, ...] = PYTHON_SUFFIXES) -> list[str]:
        """The regular Python files in the source that a check would be given."""
        return [path for path, entry in self.entries.items() if entry.counted and path.endswith(suffixes)]

    def unchanged(self) -> bool:
        """True when no file was added, removed or written since the snapshot, even if written back."""
        seen = 0
        for entry in walk(self.root, self.source):
            before = self.entries.get(entry.path)
            if before is None or before.identity != entry.identity:
                return False
            seen += 1
        return seen == len(self.entries)


def walk(root: Path, source: str) -> Iterator[Entry]:
    """Every file the tools may read under root, in no particular order."""
    walker = _Walker(() if source == "." else tuple(source.split("/")))
    yield from walker.directory(_Frame(root, (), (), frozenset(), ""))


Ignores = tuple[tuple[tuple[str, ...], pathspec.GitIgnoreSpec], ...]  # each .gitignore with where it lies


@dataclass(frozen=True)
class _Frame:
    """A directory being walked: where, the .gitignore files above, the real directories above, its kind."""

    path: Path
    parts: tuple[str, ...]
    ignores: Ignores
    above: frozenset[tuple[int, int]]  # (device, inode) of every real directory on the way down
    kind: str  # "", "env" or "cache"
    linked: bool = False  # reached through a directory link
    left_out: str | None = None  # under the source, not checked: "" for a folder no tool checks, or the path of
    # the topmost folder git ignores


@dataclass(frozen=True)
class _Walker:
    source: tuple[str, ...]

    def directory(self, frame: _Frame) -> Iterator[Entry]:
        """One directory: its files, then its subdirectories, each as its own rules say."""
        try:
            info = frame.path.stat()
            items = sorted(os.scandir(frame.path), key=lambda item: item.name)
        except OSError:
            return
        here = (info.st_dev, info.st_ino)
        if here in frame.above:
            raise TreeError(
                f"{'/'.join(frame.parts)} is a link to a directory that contains it: the tools would loop; "
                "remove the link or exclude it"
            )
        frame = _Frame(
            frame.path,
            frame.parts,
            (*frame.ignores, *_gitignore(frame.path, frame.parts)),
            frame.above | {here},
            frame.kind,
            frame.linked,
            frame.left_out,
        )
        for item in items:
            yield from self.item(frame, item)

    def item(self, frame: _Frame, item: os.DirEntry[str]) -> Iterator[Entry]:
        """A directory to walk into (unless nothing in it is read), or a file to list."""
        parts = (*frame.parts, item.name)
        in_source = parts[: len(self.source)] == self.source
        on_the_way = len(parts) < len(self.source) and self.source[: len(parts)] == parts
        try:
            is_dir = item.is_dir(follow_symlinks=True)
        except OSError:
            is_dir = False
        linked = frame.linked or item.is_symlink()
        left_out = frame.left_out
        if left_out is None and len(parts) > len(self.source):  # under the source: is it checked?
            if item.name.startswith(".") or item.name in CHECKED_NOWHERE:
                left_out = ""
            elif _ignored(frame.ignores, parts, is_dir):
                left_out = "/".join(parts)
        if is_dir:
            kind = frame.kind or _dir_kind(item.name)
            skipped = not (in_source or on_the_way) and (kind or _ignored(frame.ignores, parts, True))
            if item.name not in VCS_DIRS and not skipped:
                inner = _Frame(Path(item.path), parts, frame.ignores, frame.above, kind, linked, left_out)
                yield from self.directory(inner)
        elif in_source or not (frame.kind or _ignored(frame.ignores, parts, False)):
            entry = _entry(item, "/".join(parts), _Place(in_source, frame.kind, linked, left_out))
            if entry is not None:
                yield entry


@dataclass(frozen=True)
class _Place:
    """Where a file lies: inside the source? inside an environment or a cache?"""

    in_source: bool
    kind: str
    linked: bool
    left_out: str | None  # see _Frame


def _dir_kind(name: str) -> str:
    if name in ENV_DIRS:
        return "env"
    return "cache" if name in CACHE_DIRS else ""


def _python(path: str) -> bool:
    return path.endswith(PYTHON_SUFFIXES)


def _entry(item: os.DirEntry[str], path: str, place: _Place) -> Entry | None:
    python = _python(path)
    if place.kind and not python:
        return None  # inside an environment or a cache only Python files are read
    try:
        info = item.stat(follow_symlinks=True)
    except OSError:  # a dangling link: only its name counts
        return Entry(path, Path(item.path), None, False, place.in_source, False, place.linked)
    if not stat.S_ISREG(info.st_mode):  # a FIFO, a device: never opened
        return Entry(path, Path(item.path), None, False, place.in_source, False, place.linked)
    counted = place.in_source and not place.kind and python and place.left_out is None
    identity = Identity.of(info)
    git_ignored = place.left_out or None
    return Entry(
        path, Path(item.path), identity, place.kind == "env", place.in_source, counted, place.linked, git_ignored
    )


def _gitignore(directory: Path, parts: tuple[str, ...]) -> Ignores:
    try:
        lines = (directory / ".gitignore").read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return ()
    return ((parts, pathspec.GitIgnoreSpec.from_lines(lines)),)


def _ignored(ignores: Ignores, parts: tuple[str, ...], is_dir: bool) -> bool:
    """Git's answer: the deepest .gitignore with a pattern for the path decides (a `!` pattern re-includes)."""
    for base, spec in reversed(ignores):
        relative = "/".join(parts[len(base) :]) + ("/" if is_dir else "")
        result = spec.check_file(relative)
        if result.include is not None:
            return bool(result.include)
    return False


def _digest(entry: Entry) -> bytes:
    """The content's hash; for an environment's file, its size and time; for anything else, what it is."""
    if entry.identity is None:
        return b"<not a regular file>"
    if entry.by_identity:
        return f"{entry.identity.size}:{entry.identity.mtime_ns}".encode()
    digest = hashlib.sha256()
    try:
        with entry.real.open("rb") as file:
            for block in iter(lambda: file.read(1 << 20), b""):
                digest.update(block)
    except OSError as error:
        return f"<unreadable {error.errno}>".encode()
    return digest.digest()


def ancestors(root: Path) -> list[Path]:
    """Files above the root that black and ruff may read, when there is no repository to stop them."""
    return [
        path for directory in root.resolve().parents for name in ANCESTOR_FILES if (path := directory / name).is_file()
    ]
