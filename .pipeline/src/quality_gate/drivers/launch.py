"""How a tool's interpreter imports this package's incremental drivers, without the tool seeing the package.

The runners put the folder holding `quality_gate` first on PYTHONPATH and name it in DRIVER_ROOT_VARIABLE;
the driver takes that one entry off sys.path before the tool starts, so pylint resolves the project's imports
exactly as `python -m pylint` would (a project with its own `quality_gate` package sees its own). An installed
gate (`pip install`, `pipx`, `make venv`) lies in site-packages beside the tools: nothing is added then, since
taking site-packages off sys.path would take the tools with it.
"""

from __future__ import annotations

import functools
import os
import site
from pathlib import Path

from .pylint import DRIVER_ROOT_VARIABLE

# The folder that holds the `quality_gate` package, here.
LOCAL_ROOT = Path(__file__).resolve().parents[2]

# What a container needs of the package to run a driver: the packages' __init__ files, the modules of the package
# the drivers import (disk.py: written whole, kept by key) and the drivers' folders.
SHARED_MODULES = ("__init__.py", "disk.py", "drivers/__init__.py")
DRIVER_PACKAGES = ("common", "pylint", "black")


def installed() -> bool:
    """Whether this package lies in the site-packages of the gate's interpreter, as an installed package does.

    Then every interpreter the tools run with imports it already: the same environment, or the project's own,
    which sees the tools' site-packages through its .pth file (local/project_env.py).
    """
    return LOCAL_ROOT in {Path(folder).resolve() for folder in site.getsitepackages()}


def local_environment(inherited: str | None) -> dict[str, str]:
    """The variables a local tool's interpreter needs to import the drivers from this copy of the package."""
    return {} if installed() else environment(str(LOCAL_ROOT), inherited)


def environment(root: str, inherited: str | None) -> dict[str, str]:
    """The variables that let the interpreter import the drivers from `root`, ahead of an inherited PYTHONPATH.

    None when the inherited PYTHONPATH already holds `root` (`make local-*`, the self-check): the tool sees that
    entry anyway, and adding it twice would not survive Python's removal of duplicate entries for the driver to
    take it off again.
    """
    entries = [Path(entry).resolve() for entry in (inherited or "").split(os.pathsep) if entry]
    if Path(root).resolve() in entries:
        return {}
    path = root if not inherited else f"{root}{os.pathsep}{inherited}"
    return {"PYTHONPATH": path, DRIVER_ROOT_VARIABLE: root}


@functools.cache
def driver_files() -> dict[str, str]:
    """Relative path -> text of every file a container needs to run the drivers."""
    package = LOCAL_ROOT / "quality_gate"
    files = {f"quality_gate/{name}": (package / name).read_text(encoding="utf-8") for name in SHARED_MODULES}
    for name in DRIVER_PACKAGES:
        for path in sorted((package / "drivers" / name).glob("*.py")):
            files[f"quality_gate/drivers/{name}/{path.name}"] = path.read_text(encoding="utf-8")
    return files
