"""What the delivery tests share: the repository, its pinned Dagger version, the module's functions, the component."""

from __future__ import annotations

import ast
import hashlib
import io
import json
import shutil
import sys
import tarfile
from pathlib import Path
from typing import Any

from helpers.paths import REPO
from ruamel.yaml import YAML

MAIN_PY = REPO / ".pipeline" / "src" / "quality_gate" / "container" / "module.py"
COMPONENT = REPO / "templates" / "quality-gate.yml"
# The line between the component's two YAML documents: the `spec:` header, then the jobs.
DOCUMENT_SEPARATOR = "\n---\n"


def dagger_json_version() -> str:
    """engineVersion from dagger.json, without its leading `v`."""
    manifest = json.loads((REPO / "dagger.json").read_text(encoding="utf-8"))
    version = str(manifest["engineVersion"])
    assert version.startswith("v"), version
    return version[1:]


def _decorator_name(node: ast.expr) -> tuple[str, str | None]:
    """(`function`, name= override) for @function, @dagger.function, @function(name=...)..."""
    override: str | None = None
    if isinstance(node, ast.Call):
        for keyword in node.keywords:
            if keyword.arg == "name" and isinstance(keyword.value, ast.Constant):
                override = str(keyword.value.value)
        node = node.func
    if isinstance(node, ast.Attribute):
        return node.attr, override
    if isinstance(node, ast.Name):
        return node.id, override
    return "", override


def registered_functions(main_py: Path = MAIN_PY) -> set[str]:
    """CLI names of the methods that container/module.py registers with @function / @dagger.function.

    Read with `ast`, without importing the module (no engine, no SDK codegen needed).
    Python snake_case becomes kebab-case on the CLI, unless function(name=...) says otherwise.
    """
    tree = ast.parse(main_py.read_text(encoding="utf-8"), filename=str(main_py))
    names: set[str] = set()
    for cls in (node for node in tree.body if isinstance(node, ast.ClassDef)):
        for method in cls.body:
            if not isinstance(method, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for decorator in method.decorator_list:
                kind, override = _decorator_name(decorator)
                if kind == "function":
                    names.add(override or method.name.replace("_", "-"))
    return names


def tool(name: str) -> str:
    """An executable installed with the test requirements (next to this Python), else from PATH."""
    found = shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)
    assert found, f"{name} is installed with tests/requirements.txt"
    return found


def _archive(files: dict[str, str]) -> bytes:
    """A .tar.gz of executable files."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for name, body in files.items():
            data = body.encode()
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mode = 0o755
            tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def fake_release(  # pylint: disable=too-many-arguments  # a release is described by all of these
    root: Path, version: str, arch: str, *, tamper: bool = False, folder: str | None = None, dagger: str | None = None
) -> Path:
    """A release folder like GitHub's (root/v<version>, or root/<folder>): the archive and checksums.txt.

    The archive's `dagger` is `dagger` (a script) when given, else one that prints its version and arch.
    """
    release = root / (folder if folder is not None else f"v{version}")
    release.mkdir(parents=True, exist_ok=True)
    archive = f"dagger_v{version}_linux_{arch}.tar.gz"
    script = dagger if dagger is not None else f"#!/bin/sh\necho dagger {version} {arch}\n"
    content = _archive({"dagger": script, "LICENSE": "Apache-2.0\n"})
    (release / archive).write_bytes(content)
    digest = hashlib.sha256(content + (b"x" if tamper else b"")).hexdigest()
    other = "0" * 64
    (release / "checksums.txt").write_text(
        f"{other}  dagger_v{version}_darwin_{arch}.tar.gz\n{digest}  {archive}\n{other}  {archive}.sbom.json\n",
        encoding="utf-8",
    )
    return release


def component_documents() -> tuple[str, str]:
    """The component's two YAML documents as written: the `spec:` header and the jobs."""
    text = COMPONENT.read_text(encoding="utf-8")
    assert text.count(DOCUMENT_SEPARATOR) == 1, "one header, one document of jobs"
    header, jobs = text.split(DOCUMENT_SEPARATOR)
    return header + "\n", jobs


def component_inputs() -> dict[str, dict[str, Any]]:
    """The component's `spec: inputs:`, by name."""
    header: dict[str, Any] = YAML(typ="safe", pure=True).load(component_documents()[0])
    inputs: dict[str, dict[str, Any]] = header["spec"]["inputs"]
    return inputs
