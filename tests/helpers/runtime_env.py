"""The Dagger module's own environment, built the way the Python runtime of Dagger 0.21 builds it, minus the engine.

The runtime (sdk/python/runtime of Dagger 0.21) copies the SDK's source tree into `sdk/` (version 0.0.0 there),
runs a plain `uv lock` with its uv (0.10.3), then `UV_COMPILE_BYTECODE=1 uv sync --no-dev` into a fresh virtual
environment (UV_PROJECT_ENVIRONMENT, UV_LINK_MODE=copy), which installs the module's project editable. The
module's process has exactly that environment: the standard library, dagger-io and its dependencies, and what
`.pipeline/pyproject.toml` declares. Here the same steps run on a copy of the module, offline, from a uv cache
that `make test-tools` fills once (`python tests/helpers/runtime_env.py --prefetch`), so no test downloads.

What the runtime's sdk/ holds, and why each part is here:
- the SDK's pyproject.toml with version 0.0.0: the engine ships its source tree, where the version is 0.0.0;
  only the publication to PyPI stamps the release number into the sdist;
- src/**/*.py and *.typed, README.md, LICENSE (the runtime's include list; none matters to uv);
- codegen/pyproject.toml: the SDK's pyproject makes `codegen` a workspace member and a `dev` dependency, so
  uv needs the member's project file. The sdist does not carry it; a minimal one stands in (the lock records
  only its name and path).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tarfile
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]  # tests/helpers/runtime_env.py
PIPELINE = REPO / ".pipeline"
SDIST_DIR = REPO / ".tools" / "dagger-io-sdist"
# Filled by `make test-tools` with every wheel the committed uv.lock installs (--prefetch below).
UV_CACHE = REPO / ".tools" / "runtime-uv-cache"
RUNTIME_UV = "0.10.3"  # sdk/python/runtime/images/uv/Dockerfile of Dagger 0.21
RUNTIME_PYTHON = "3.13"  # .pipeline/.python-version: the runtime's python:<version>-slim
SOURCE_TREE_VERSION = "0.0.0"
SDK_PINS = REPO / "tests" / "container" / "sdk-sdist.txt"


def sdk_version() -> str:
    """The dagger-io release pinned in tests/container/sdk-sdist.txt (the sdist the engine's sdk/ is made from)."""
    for line in SDK_PINS.read_text(encoding="utf-8").splitlines():
        if line.startswith("dagger-io=="):
            return line.split()[0].removeprefix("dagger-io==")
    raise ValueError(f"{SDK_PINS.relative_to(REPO)} pins no dagger-io==VERSION")


SDK_VERSION = sdk_version()
CODEGEN_STAND_IN = '[project]\nname = "codegen"\nversion = "0.0.0"\n'
# The variables the runtime's base container sets for uv (sdk/python/runtime/main.go, WithBase, WithInstall).
RUNTIME_UV_ENV = {"UV_SYSTEM_PYTHON": "1", "UV_LINK_MODE": "copy", "UV_COMPILE_BYTECODE": "1"}


def uv() -> str:
    """The runtime's uv, installed in this interpreter's environment by tests/requirements.txt."""
    found = shutil.which("uv", path=str(Path(sys.executable).parent))
    if not found:
        raise FileNotFoundError("uv is installed with tests/requirements.txt: run `make test`")
    return found


def sdist() -> Path:
    """The dagger-io sdist that `make test-tools` fetched, hash-checked."""
    archive = SDIST_DIR / f"dagger_io-{SDK_VERSION}.tar.gz"
    if not archive.is_file():
        raise FileNotFoundError(f"{archive.relative_to(REPO)} is missing: run `make test-tools` (make test does it)")
    return archive


def runtime_python() -> tuple[str, str]:
    """An interpreter of the runtime's version (the tests' own, else python3.13 on PATH), and a note when not."""
    version = ".".join(map(str, sys.version_info[:2]))
    if version == RUNTIME_PYTHON:
        return sys.executable, ""
    found = shutil.which(f"python{RUNTIME_PYTHON}")
    if found:
        return found, ""
    return sys.executable, f"no Python {RUNTIME_PYTHON} here: the module's environment was built on Python {version}"


def vendored_member(name: str) -> bool:
    """Whether the engine's vendored sdk/ holds this sdist member (its include list, less what it drops)."""
    if name in {"pyproject.toml", "README.md", "LICENSE"}:
        return True
    dropped = name.startswith(("src/dagger/_engine/", "src/dagger/provisioning/"))
    return name.startswith("src/") and name.endswith((".py", ".typed")) and not dropped


def lay_out(module: Path, lock: str, source: Path = PIPELINE / "src") -> None:
    """The module as the runtime sees it: our pyproject, .python-version, source and lock, and sdk/."""
    module.mkdir(parents=True)
    for name in ("pyproject.toml", ".python-version"):
        shutil.copy2(PIPELINE / name, module / name)
    shutil.copytree(source, module / "src", ignore=shutil.ignore_patterns("__pycache__"))
    (module / "uv.lock").write_text(lock, encoding="utf-8")
    sdk = module / "sdk"
    prefix = f"dagger_io-{SDK_VERSION}/"
    with tarfile.open(sdist()) as archive:
        for member in archive.getmembers():
            name = member.name.removeprefix(prefix)
            if member.isfile() and vendored_member(name):
                target = sdk / name
                target.parent.mkdir(parents=True, exist_ok=True)
                extracted = archive.extractfile(member)
                assert extracted is not None
                target.write_bytes(extracted.read())
    project = (sdk / "pyproject.toml").read_text(encoding="utf-8")
    stamped = f'\nversion = "{SDK_VERSION}"\n'
    assert project.count(stamped) == 1, "the sdist's pyproject carries its release number once"
    (sdk / "pyproject.toml").write_text(project.replace(stamped, f'\nversion = "{SOURCE_TREE_VERSION}"\n'))
    (sdk / "codegen").mkdir()
    (sdk / "codegen" / "pyproject.toml").write_text(CODEGEN_STAND_IN, encoding="utf-8")


def uv_env(cache: Path, venv: Path | None = None) -> dict[str, str]:
    """uv's environment: the runtime's variables, this cache, no user or system uv configuration."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("UV_", "VIRTUAL_ENV", "PYTHON"))}
    env.update(RUNTIME_UV_ENV)
    env.update({"UV_CACHE_DIR": str(cache), "UV_NO_CONFIG": "1", "UV_PYTHON_DOWNLOADS": "never"})
    if venv is not None:
        env["UV_PROJECT_ENVIRONMENT"] = str(venv)
    return env


def run_uv(module: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """One uv command in the module's folder (its output kept for the assertion that needs it)."""
    command = [uv(), *args]
    return subprocess.run(command, cwd=module, env=env, capture_output=True, text=True, check=False, timeout=600)


@dataclass(frozen=True)
class RuntimeEnv:
    """A module laid out and installed as the runtime does: where it is, its interpreter, what uv said."""

    module: Path
    venv: Path
    python: Path
    lock_changed: bool
    note: str  # why the interpreter is not the runtime's version, if it is not


class BuildError(Exception):
    """A step of the runtime's build failed: the step and uv's own words."""


def lay_out_context(context: Path) -> None:
    """What the engine loads of the module besides its source folder: dagger.json, and what its `include` names."""
    context.mkdir(parents=True)
    shutil.copy2(REPO / "dagger.json", context / "dagger.json")
    for pattern in json.loads((REPO / "dagger.json").read_text(encoding="utf-8")).get("include", []):
        folder = pattern.removesuffix("/**")
        assert folder != pattern, f"{pattern}: the layout knows folder/** patterns only"
        shutil.copytree(REPO / folder, context / folder)


def build(where: Path, *, source: Path = PIPELINE / "src", offline: bool = True, cache: Path = UV_CACHE) -> RuntimeEnv:
    """Lay the module out under `where` as the engine loads it (its context, the module in .pipeline/), then
    `uv lock` and `uv sync --no-dev` as the runtime runs them."""
    lock = (PIPELINE / "uv.lock").read_text(encoding="utf-8")
    module, venv = where / "context" / PIPELINE.name, where / "venv"
    lay_out_context(where / "context")
    lay_out(module, lock, source)
    python, note = runtime_python()
    network = ["--offline"] if offline else []
    for args in (["lock", *network], ["sync", "--no-dev", *network]):
        done = run_uv(module, uv_env(cache, venv), *args, "--python", python)
        if done.returncode != 0:
            raise BuildError(f"uv {' '.join(args)} failed (exit {done.returncode}):\n{done.stdout}{done.stderr}")
    changed = (module / "uv.lock").read_text(encoding="utf-8") != lock
    return RuntimeEnv(module, venv, venv / "bin" / "python", changed, note)


def main() -> int:
    """`--prefetch`: build once with the network, so that the tests' offline builds find every wheel cached."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prefetch", action="store_true", required=True)
    parser.parse_args()
    scratch = UV_CACHE.parent / "runtime-prefetch"
    shutil.rmtree(scratch, ignore_errors=True)
    try:
        built = build(scratch, offline=False)
    except (BuildError, FileNotFoundError) as error:
        print(error, file=sys.stderr)
        return 1
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    if built.lock_changed:
        print(".pipeline/uv.lock is not the lock the runtime keeps: regenerate it (docs/internals.md)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
