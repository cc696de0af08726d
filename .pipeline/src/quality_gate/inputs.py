"""What both front doors say when the source or the configuration is not there: one line, and what to do.

The local runner checks paths on the disk, the Dagger module in its workspace Directory; the words are
the same, so a user who moves from `make local-lint` to `make lint` reads the same error for the same
mistake. Only the option's name differs (`--source` locally, `--source-path` for `dagger call`).
"""

from __future__ import annotations


def not_a_directory(option: str, value: str, where: str) -> str:
    """A source or config option that names no directory (`where`: in what, and what else to try)."""
    return f"{option} {value!r} is not a directory {where}; pass {option} DIR"


def no_python_file(option: str, value: str) -> str:
    """A source directory that holds nothing to check: every tool would pass on nothing."""
    return (
        f"no Python file under {value!r} (what git ignores, hidden folders, environments, caches, build output "
        f"and non-regular files are not checked); point {option} at your code"
    )
