"""The project's own dependencies for the local runner: an environment beside the tools', never in it.

mypy and pylint need a project's third-party packages to check its imports and types. The tools' `.venv`
holds exactly the pins (extra packages change what the tools find), so a project that lists its packages in
`project-requirements.txt` gets an environment of its own, in its private cache directory: a venv holding
those packages, which sees the tools' packages through a `.pth` file, built once per content of the pins and
of that file. The tools then run with its interpreter. pip installs both files together, so a project pin
that contradicts a tool's pin stops the gate (pip's "ResolutionImpossible") instead of changing the tool.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import site
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from ..commands import PROJECT_REQUIREMENTS
from ..disk import mtime
from ..errors import QualityGateError
from ..store import private_directory, remove_all_but_newest

KEEP = 3  # environments kept per project: switching between branches finds theirs built
LOG = "install.log"  # in each environment: pip's whole output, each package's own build output included
# How pip's log says it built a wheel from a source distribution (a wheel kept in its cache is not built again).
BUILT = re.compile(r"Created wheel for (?P<name>[^:\s]+): filename=")


class InstallError(QualityGateError):
    """The project's requirements could not be installed; the message says why."""


@dataclass(frozen=True)
class ProjectEnvironment:
    """A built environment: the interpreter the tools run with, and the directory its packages are in."""

    python: Path
    site_packages: Path


def requirements_file(config: Path) -> Path | None:
    """The project's requirements in the configuration directory, if it has them."""
    path = config / PROJECT_REQUIREMENTS
    return path if path.is_file() else None


def prepare(config: Path, pins: Path, project: Path, timeout: float) -> ProjectEnvironment | None:
    """The environment for this configuration's project requirements, built if needed; None without that file.

    `pins` are the tools' (the project's requirements.txt, or the gate's shipped one).
    """
    requirements = requirements_file(config)
    if requirements is None:
        return None
    try:
        parts = [pins.read_bytes(), requirements.read_bytes(), sys.version.encode(), str(_tools_site()).encode()]
        digest = hashlib.sha256(b"\0".join(parts)).hexdigest()
    except OSError as error:
        raise InstallError(f"cannot read {error.filename}: {error.strerror}") from None
    environments = private_directory(project / "environments")
    home = environments / digest[:16]
    if not home.is_dir():
        _build(home, pins, requirements, timeout)
        _prune(environments, keep=home)
    return ProjectEnvironment(home / "bin" / "python", _site_packages(home))


def _build(home: Path, pins: Path, requirements: Path, timeout: float) -> None:
    """A venv beside the tools' (their packages seen through a .pth), then pip with both files; renamed when whole."""
    print(f"installing {requirements} beside the tools (once per content of it and of the pins)", file=sys.stderr)
    building = Path(tempfile.mkdtemp(prefix=".building-", dir=home.parent))
    try:
        _run([sys.executable, "-m", "venv", "--without-pip", str(building)], "create a venv", timeout)
        (_site_packages(building) / "quality-gate-tools.pth").write_text(
            "".join(f"{path}\n" for path in _tools_site()), encoding="utf-8"
        )
        install = ["install", "--require-hashes", "--no-input", "--disable-pip-version-check", "--quiet"]
        install += ["--log", str(building / LOG)]
        pip = [sys.executable, "-m", "pip", "--python", str(building / "bin" / "python"), *install]
        try:
            _run(
                [*pip, "-r", str(pins.resolve()), "-r", str(requirements.resolve())], f"install {requirements}", timeout
            )
        except InstallError as error:
            kept = home.parent / f"failed-{LOG}"
            shutil.copyfile(building / LOG, kept)
            raise InstallError(f"{error} (pip's whole output: {kept})") from None
        built = _built_from_source(building / LOG)
        try:
            building.rename(home)
        except OSError:
            if not home.is_dir():  # another run of the gate built the same environment meanwhile: it is used
                raise
    finally:
        shutil.rmtree(building, ignore_errors=True)
    if built:
        print(
            f"built from source (pip ran their setup.py or build backend; it keeps the wheels for later environments): "
            f"{', '.join(built)}; the build's output is in {home / LOG}",
            file=sys.stderr,
        )


def _built_from_source(log: Path) -> list[str]:
    """The packages whose build pip ran (their setup.py, or build backend), as its log says."""
    try:
        text = log.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []
    return sorted({match["name"] for match in BUILT.finditer(text)})


def _run(argv: list[str], what: str, timeout: float) -> None:
    try:
        done = subprocess.run(argv, capture_output=True, text=True, check=False, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise InstallError(f"could not {what}: still running after {timeout:g} s (--timeout SECONDS)") from None
    if done.returncode != 0:
        said = [line.strip() for line in (done.stderr + done.stdout).splitlines() if line.strip()]
        errors = [line for line in said if line.startswith("ERROR:")] or said[-3:]
        raise InstallError(f"could not {what}: {' | '.join(errors[:3])}")


def _tools_site() -> list[str]:
    """Where the gate's interpreter keeps the tools' packages."""
    return [path for path in site.getsitepackages() if Path(path).is_dir()]


def _site_packages(home: Path) -> Path:
    return home / "lib" / f"python{sys.version_info.major}.{sys.version_info.minor}" / "site-packages"


def _prune(environments: Path, keep: Path) -> None:
    """The most recently built environments stay, older ones go; so do builds cut short a day ago or more."""
    remove_all_but_newest(
        [path for path in environments.iterdir() if not path.name.startswith(".") and path != keep], KEEP - 1
    )
    for stale in environments.glob(".building-*"):
        if mtime(stale) < time.time() - 86400:
            shutil.rmtree(stale, ignore_errors=True)
