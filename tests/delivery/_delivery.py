"""What the delivery tests share: the repository, its pinned Dagger version, the module's functions."""

from __future__ import annotations

import ast
import json
import shutil
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
MAIN_PY = REPO / ".pipeline" / "src" / "quality_gate" / "main.py"


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
    """CLI names of the methods that main.py registers with @function / @dagger.function.

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
