"""Small packages built by the tests themselves, as wheels (or a source distribution) pip installs from a folder:
no network, no build tool."""

from __future__ import annotations

import base64
import hashlib
import io
import tarfile
import zipfile
from collections.abc import Mapping
from pathlib import Path


def _record_line(path: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{path},sha256={digest},{len(data)}\n"


def build_wheel(folder: Path, name: str, version: str, modules: Mapping[str, str]) -> Path:
    """A pure-Python wheel of these modules (path in the wheel: text), with the metadata pip checks."""
    info = f"{name}-{version}.dist-info"
    files = {path: text.encode() for path, text in modules.items()}
    files[f"{info}/METADATA"] = f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n".encode()
    files[f"{info}/WHEEL"] = b"Wheel-Version: 1.0\nGenerator: tests\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    record = "".join(_record_line(path, data) for path, data in files.items()) + f"{info}/RECORD,,\n"
    files[f"{info}/RECORD"] = record.encode()
    folder.mkdir(parents=True, exist_ok=True)
    wheel = folder / f"{name}-{version}-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        for path, data in files.items():
            archive.writestr(zipfile.ZipInfo(path, (2026, 1, 1, 0, 0, 0)), data)
    return wheel


def pinned(wheel: Path, name: str, version: str) -> str:
    """The hash-pinned requirement line for the wheel, as `uv pip compile --generate-hashes` writes one."""
    return f"{name}=={version} \\\n    --hash=sha256:{hashlib.sha256(wheel.read_bytes()).hexdigest()}\n"


# A build backend of the sdist's own (no setuptools needed, so no index): each call of a hook is written to the file
# that BACKEND_LOG names, and building the wheel prints a line, as a setup.py would.
BACKEND = '''"""The build backend of this test package."""
import base64, hashlib, os, zipfile

NAME, VERSION = {name!r}, {version!r}
INFO = f"{{NAME}}-{{VERSION}}.dist-info"


def _note(hook):
    with open(os.environ["BACKEND_LOG"], "a", encoding="utf-8") as log:
        log.write(hook + "\\n")


def _line(path, data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{{path}},sha256={{digest}},{{len(data)}}\\n"


def get_requires_for_build_wheel(config_settings=None):
    _note("get_requires_for_build_wheel")
    return []


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    _note("build_wheel")
    print(f"building {{NAME}} from its source")
    files = {{}}
    for folder, _, names in os.walk(NAME):
        for name in names:
            path = os.path.join(folder, name)
            with open(path, "rb") as source:
                files[path.replace(os.sep, "/")] = source.read()
    files[f"{{INFO}}/METADATA"] = f"Metadata-Version: 2.1\\nName: {{NAME}}\\nVersion: {{VERSION}}\\n".encode()
    files[f"{{INFO}}/WHEEL"] = b"Wheel-Version: 1.0\\nGenerator: tests\\nRoot-Is-Purelib: true\\nTag: py3-none-any\\n"
    record = "".join(_line(path, data) for path, data in files.items()) + f"{{INFO}}/RECORD,,\\n"
    files[f"{{INFO}}/RECORD"] = record.encode()
    wheel = f"{{NAME}}-{{VERSION}}-py3-none-any.whl"
    with zipfile.ZipFile(os.path.join(wheel_directory, wheel), "w") as archive:
        for path, data in files.items():
            archive.writestr(path, data)
    return wheel
'''


def build_sdist(folder: Path, name: str, version: str, modules: Mapping[str, str]) -> Path:
    """A source distribution of these modules whose build is this file's BACKEND: pip has to run it to install."""
    base = f"{name}-{version}"
    files = {path: text.encode() for path, text in modules.items()}
    files["backend.py"] = BACKEND.format(name=name, version=version).encode()
    files["pyproject.toml"] = b'[build-system]\nrequires = []\nbuild-backend = "backend"\nbackend-path = ["."]\n'
    files["PKG-INFO"] = f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n".encode()
    folder.mkdir(parents=True, exist_ok=True)
    sdist = folder / f"{base}.tar.gz"
    with tarfile.open(sdist, "w:gz") as archive:
        for path, data in files.items():
            entry = tarfile.TarInfo(f"{base}/{path}")
            entry.size = len(data)
            entry.mtime = 1767225600  # 2026-01-01
            archive.addfile(entry, io.BytesIO(data))
    return sdist
