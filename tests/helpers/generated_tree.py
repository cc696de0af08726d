"""A generated code base of many small modules: packages of a few-line modules that import each other.

The shape that made the incremental pylint driver run out of memory (issue 23: 100 packages of 100 modules of a
few lines). In each package, modules import the one before them in runs of ten; every seventh module also
imports one of the first package (a core that the others use). With findings, every tenth module has some for
pylint, mypy and ruff; without, the four tools pass.
"""

from __future__ import annotations

from pathlib import Path

RUN = 10  # a module imports the one before it, except at the start of a run

FINDING = """

def unused_{name}(value):
    unused = value
    return 1
"""


def module_text(package: int, module: int, modules: int, findings: bool) -> str:
    """One module: a function that calls the previous module's, and every seventh one the core package's."""
    core = f"m{module * 7 % modules:03d}"
    chained = module % RUN != 0
    crosses = package > 0 and module % 7 == 0
    imports = [f"from p000 import {core} as core"] if crosses else []  # sorted as isort does: p000 first
    terms = [f"core.step_{core[1:]}(value)"] if crosses else []
    if chained:
        imports.append(f"from p{package:03d} import m{module - 1:03d}")
        terms.append(f"m{module - 1:03d}.step_{module - 1:03d}(value)")
    body = " + ".join([*(terms or ["value"]), str(module)])
    head = f'"""Module {module} of package {package}."""\n'
    if imports:
        head += "\n" + "\n".join(imports) + "\n"
    function = f'\n\ndef step_{module:03d}(value: int) -> int:\n    """Step {module}."""\n    return {body}\n'
    return head + function + (FINDING.format(name=f"{module:03d}") if findings and module % 10 == 3 else "")


def generate(root: Path, packages: int, modules: int, findings: bool = False) -> None:
    """Write `packages` packages `pNNN` of `modules` modules `mNNN` (and an __init__) under root."""
    for package in range(packages):
        folder = root / f"p{package:03d}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "__init__.py").write_text(f'"""Package {package}."""\n', encoding="utf-8")
        for module in range(modules):
            (folder / f"m{module:03d}.py").write_text(module_text(package, module, modules, findings), encoding="utf-8")
