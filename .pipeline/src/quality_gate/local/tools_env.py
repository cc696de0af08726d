"""The tools' own environment holds exactly the pins: a package installed beside them changes what they find.

mypy and pylint see every package of the environment they run in (on requests 2.34.2, the tests' packages
moved pylint's count from 333 to 313), so a `pip install` into the tools' `.venv` makes the local gate
disagree with CI without a word. `make venv` marks the environment it builds from the pins with a stamp;
when the gate runs in that environment, it checks before any tool starts that the distributions there are
the pinned ones, at the pinned versions. Only directory names are read: a millisecond, not a second.
"""

from __future__ import annotations

import re
import sys
import sysconfig
from pathlib import Path

from ..errors import QualityGateError

STAMP = ".quality-gate-tools"  # the makefile's VENV_STAMP: written into the environment `make venv` built
# What `python -m venv` installs by itself (ensurepip), and the .pth file setuptools brings along.
BUNDLED = frozenset({"pip", "setuptools"})
# The gate's own distribution: `make venv` installs it beside the pins, without dependencies, for its command
# `quality-gate`. It brings the package `quality_gate` and nothing else that the tools could see.
GATE = "quality-gate"
BUNDLED_PTH = frozenset({"distutils-precedence.pth"})
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==([^\s;\\]+)")
DIST_INFO = re.compile(r"^(.+?)-([^-]+)\.(?:dist|egg)-info$")
EGG_PYTHON = re.compile(r"-py\d+(?:\.\d+)*(?=\.egg-info$)")  # `name-1.0-py3.13.egg-info`: the Python it was built for


class EnvironmentMismatchError(QualityGateError):
    """The tools' environment holds other packages than the pins: said in one line with what to do."""


def check(pins_file: Path) -> None:
    """Raise EnvironmentMismatchError when the gate runs in `make venv`'s environment and it differs from the pins."""
    environment = Path(sys.prefix)
    if not (environment / STAMP).is_file():
        return  # not the tools' .venv (the tests' environment, the self-check's, a user's own)
    try:
        pins = pinned(pins_file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        return  # no pins to hold it to: the Dagger toolbox, which installs them, says what is wrong
    problems = differences(pins, installed(_site_folders()))
    if problems:
        shown = _shown(environment)
        raise EnvironmentMismatchError(
            f"the tools' environment {shown} differs from {pins_file}: {', '.join(problems)} (mypy and pylint see "
            f"every package beside them: findings would differ from CI); rebuild it with "
            f"`rm -rf {shown} && make venv`, and list your project's own packages in project-requirements.txt"
        )


def pinned(text: str) -> dict[str, str]:
    """Each pinned distribution of a requirements file (normalised name) and its version, markers aside."""
    return {_normal(match[1]): match[2] for line in text.splitlines() if (match := PIN.match(line))}


def installed(folders: list[Path]) -> dict[str, str]:
    """Each distribution in these site-packages folders and its version, read from the names of their folders;
    a `.pth` file no pinned distribution brings, by its name (it adds folders to what the tools import)."""
    found: dict[str, str] = {}
    for folder in folders:
        try:
            names = sorted(path.name for path in folder.iterdir())
        except OSError:
            continue
        for name in names:
            if match := DIST_INFO.match(EGG_PYTHON.sub("", name)):
                found[_normal(match[1])] = match[2]
            elif name.endswith(".pth") and name not in BUNDLED_PTH:
                found[name] = ""
    return found


def differences(pins: dict[str, str], present: dict[str, str]) -> list[str]:
    """What is there but not pinned, or at another version than pinned: `name version`, `name version (pinned X)`."""
    problems = []
    for name, version in sorted(present.items()):
        if name in BUNDLED or name == GATE:
            continue
        if name not in pins:
            problems.append(f"{name} {version}".rstrip())
        elif pins[name] != version:
            problems.append(f"{name} {version} (pinned {pins[name]})")
    return problems


def _normal(name: str) -> str:
    """A distribution's name as pip compares them (PEP 503): `typing_extensions` is `typing-extensions`."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _site_folders() -> list[Path]:
    paths = sysconfig.get_paths()
    return sorted({Path(paths["purelib"]), Path(paths["platlib"])})


def _shown(environment: Path) -> str:
    """The environment as the user would type it: relative to the current directory when inside it."""
    try:
        return environment.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return str(environment)
