"""Running the gate as a user who has no right to write where permissions say no, even when the tests run as root.

Root writes into a directory of mode 555 all the same, and these machines (CI too) run the tests as root: a
test of what the gate does with a directory it cannot write runs the gate under setpriv, with an ordinary uid
on a tree that uid owns. The process keeps one capability, to read and search any directory (the interpreter
may live under /root), and none to write.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

UID = 65534  # "nobody" on Debian and most systems; setpriv needs no entry in /etc/passwd for it


def as_normal_user(argv: list[str]) -> list[str]:
    """The command line as an ordinary user runs it: unchanged when the tests are not root, else under setpriv."""
    if os.geteuid() != 0:
        return argv
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("the tests run as root and setpriv (util-linux) is missing: cannot run the gate as a normal user")
    keep = "+dac_read_search"
    return [
        setpriv,
        f"--reuid={UID}",
        f"--regid={UID}",
        "--clear-groups",
        f"--inh-caps={keep}",
        f"--ambient-caps={keep}",
        "--",
        *argv,
    ]


@contextmanager
def normal_user_home() -> Iterator[Path]:
    """A directory of the system's temporary directory, for that user's trees: tools check that a file is readable
    by the user's own rights (click's --config does), so no directory on the way may be root's alone, as pytest's
    temporary directories are. Removed after."""
    home = Path(tempfile.mkdtemp(prefix="quality-gate-user-"))
    try:
        give_to_normal_user(home)
        yield home
    finally:
        shutil.rmtree(home, ignore_errors=True)


def give_to_normal_user(*trees: Path) -> None:
    """The trees (created when missing) belong to the user as_normal_user runs as (when the tests are root)."""
    for tree in trees:
        tree.mkdir(parents=True, exist_ok=True)
        if os.geteuid() != 0:
            continue
        for directory, _, files in os.walk(tree):
            os.chown(directory, UID, UID)
            for name in files:
                os.chown(Path(directory, name), UID, UID, follow_symlinks=False)
