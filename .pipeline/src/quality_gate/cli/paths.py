"""Where the local run looks: the project's root and the paths given from it, the configuration, the caches."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from .. import defaults
from ..commands import Layout
from .args import UsageError


def configuration(given: str | None) -> str:
    """The configuration folder: the one given, else the project's .config/ (which may not exist)."""
    return defaults.FOLDER if given is None else str(given)


def from_root(root: Path, path: str) -> str:
    """A path given from the current directory, as the tools see it from the project's root ("." for the root)."""
    resolved = Path(path).resolve()
    if not resolved.is_relative_to(root):
        raise UsageError(
            f"--source {path!r} is outside the project's root {root} (the repository, or the current directory "
            "outside one); run the gate from the project that holds it"
        )
    return resolved.relative_to(root).as_posix() or "."


def require_given(source: str, config: str) -> None:
    """An empty path would name the current directory: said before anything looks at it."""
    for name, value in (("--source", source), ("--config", config)):
        if not value.strip():
            raise UsageError(
                f"{name} is empty; pass the directory to check from the project's root ({name} DIR), or "
                f"{name} . for the whole project"
                if name == "--source"
                else f"{name} is empty; pass the directory of the tools' configuration ({name} DIR)"
            )


def layout(root: Path, source: str, config: str) -> Layout:
    """Paths as the tools see them from the project's root, where they run: findings read `src/x.py` as in CI."""
    config_path = Path(config).resolve()
    config_shown = config_path.relative_to(root).as_posix() if config_path.is_relative_to(root) else str(config_path)
    return Layout(source=from_root(root, source), config=config_shown or ".", workdir=str(root))


def cache_root(option: str | None) -> Path:
    """The tools' persistent caches; outside the source so that checks never write into it."""
    if option:
        return Path(option).resolve()
    if os.environ.get("XDG_CACHE_HOME"):
        return Path(os.environ["XDG_CACHE_HOME"]) / "quality-gate"
    if os.environ.get("HOME"):
        return Path(os.environ["HOME"]) / ".cache" / "quality-gate"
    # No home (a bare container user): a directory of this user's own under the system's temporary directory.
    user = os.getuid() if hasattr(os, "getuid") else "user"
    return Path(tempfile.gettempdir()) / f"quality-gate-{user}"
