"""What the module imports, it declares; what the drivers import, the toolbox installs.

The runtime-environment tests (test_runtime_env.py) show the module loading where only its lock's packages
exist. These read the imports themselves (every `import`, at any depth, in every module the entry point can
reach) so that an import on a path no test runs is caught too: each third-party distribution the Dagger
module can reach is a dependency in .pipeline/pyproject.toml, and each one the drivers can reach (the files
the module copies into the pylint and black containers) is pinned in .config/requirements.txt.
"""

# Test names say what each test proves.
# pylint: disable=missing-function-docstring

from __future__ import annotations

import ast
import importlib.metadata
import re
import sys
import tomllib
from pathlib import Path

from helpers.paths import CONFIG, PIPELINE_SRC, REPO
from quality_gate.drivers import launch as driver

PACKAGE = "quality_gate"


def _module_file(name: str) -> Path | None:
    base = PIPELINE_SRC.joinpath(*name.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _imports(name: str) -> list[str]:
    """Every module name an import in this module names (absolute, with relative ones resolved)."""
    path = _module_file(name)
    assert path is not None, name
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{anchor}.{base}" if base else anchor
            found.append(base)
            found.extend(f"{base}.{alias.name}" for alias in node.names if _module_file(f"{base}.{alias.name}"))
    return found


def third_party_reachable(
    *start: str, within: set[str] | None = None, leaves: frozenset[str] = frozenset()
) -> dict[str, str]:
    """Top-level name of each import outside this package and the standard library -> the module that makes it.

    With `within`, only those modules of the package are there to import: any other is reported as missing.
    `leaves` are imported but not read.
    """
    seen, queue, outside = set(start) | leaves, list(start), dict[str, str]()
    while queue:
        name = queue.pop()
        for imported in _imports(name):
            top = imported.split(".")[0]
            if top == PACKAGE:
                if within is not None and _module_file(imported) and imported not in within:
                    outside.setdefault(f"{imported} (not shipped)", name)
                elif _module_file(imported) and imported not in seen:
                    seen.add(imported)
                    queue.append(imported)
            elif top not in sys.stdlib_module_names and top != "__future__":
                outside.setdefault(top, name)
    return outside


def distributions(tops: dict[str, str]) -> dict[str, str]:
    """Distribution name (normalised) -> the module that imports it."""
    owners = importlib.metadata.packages_distributions()
    return {_normal(dist): where for top, where in tops.items() for dist in owners.get(top, [f"?{top}"])}


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def declared_by_the_module() -> set[str]:
    project = tomllib.loads((REPO / ".pipeline" / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return {_normal(re.split(r"[=<>!~ \[;]", spec, maxsplit=1)[0]) for spec in project["dependencies"]}


def pinned_for_the_tools() -> set[str]:
    text = (CONFIG / "requirements.txt").read_text(encoding="utf-8")
    return {_normal(match) for match in re.findall(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==", text, re.MULTILINE)}


def test_every_distribution_the_module_reaches_is_declared() -> None:
    reached = distributions(third_party_reachable(f"{PACKAGE}.container.module"))
    assert "dagger-io" in reached, "the walk reads the module's imports"
    undeclared = {dist: where for dist, where in reached.items() if dist not in declared_by_the_module()}
    assert not undeclared, f"imported but not in .pipeline/pyproject.toml's dependencies: {undeclared}"


def test_every_distribution_the_drivers_reach_is_in_the_toolbox() -> None:
    shipped = {path.removesuffix(".py").replace("/", ".").removesuffix(".__init__") for path in driver.driver_files()}
    # The package's own __init__ is shipped for the drivers' package to import; its one import, the main object
    # for the Dagger runtime, is lazy (inside __getattr__) and never made in a container, so it is not followed.
    reached = distributions(third_party_reachable(*shipped - {PACKAGE}, within=shipped, leaves=frozenset({PACKAGE})))
    assert {"pylint", "black"} <= set(reached), "the walk reads the drivers' imports"
    missing = {dist: where for dist, where in reached.items() if dist not in pinned_for_the_tools()}
    assert not missing, f"the drivers import what the toolbox does not install: {missing}"


def test_the_walk_sees_an_import_inside_a_function() -> None:
    """The control: the package's __init__ imports the main object lazily, inside __getattr__; the walk sees it."""
    assert "dagger" in third_party_reachable(PACKAGE)
