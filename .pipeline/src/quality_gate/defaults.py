"""The gate's shipped configuration: what a project runs with for each file its own configuration lacks.

There is one copy of each file: this repository's .config/, the configuration the gate ships and checks
itself with. Beside the module's source (a checkout, or the Dagger module, whose dagger.json includes .config/
in what the engine loads) it is read from there; an installed package carries the same files as package data.
"""

from __future__ import annotations

from pathlib import Path

# Where a project keeps its own configuration unless told otherwise (--config, --config-path).
FOLDER = ".config"

_HERE = Path(__file__).resolve().parent
PACKAGED = _HERE / "defaults"  # an installed package: the wheel carries .config/'s files here
CHECKOUT = _HERE.parents[2] / FOLDER  # .pipeline/src/quality_gate -> the repository's (or module context's) root


def directory() -> Path:
    """The folder of the shipped files, wherever this copy of the package lives."""
    for candidate in (PACKAGED, CHECKOUT):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"the gate's shipped configuration is missing (looked in {PACKAGED} and {CHECKOUT})")


def path(name: str) -> Path:
    """A shipped file."""
    return directory() / name


def text(name: str) -> str:
    """A shipped file's text."""
    return path(name).read_text(encoding="utf-8")
