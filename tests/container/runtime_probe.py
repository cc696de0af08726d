"""Loads the module in the environment the Dagger runtime built for it, registers it, and runs every function.

Run by tests/container/test_runtime_env.py with that environment's interpreter and `-I` (no PYTHONPATH, no user
site, no script folder on sys.path), so every import below resolves from the runtime's environment alone: the
standard library, dagger-io and its dependencies, and what .pipeline/pyproject.toml declares. The runtime sets
DAGGER_DEFAULT_PYTHON_PACKAGE and DAGGER_MAIN_OBJECT before it loads the module; the caller sets them too.

The module is loaded by the SDK's own loader (`dagger.mod.cli.load_module`, what the runtime's entry point
calls). Registration needs an engine only for its final `Module.id()`, replaced here by one that keeps the
query. The functions run against the offline engine double (tests/helpers/engine.py, loaded by its path,
itself importing only what the runtime's environment has). Prints one JSON document.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import sysconfig
import traceback
from pathlib import Path
from typing import Any


def _load_double(path: Path) -> Any:
    spec = importlib.util.spec_from_file_location("offline_engine", path)
    assert spec is not None and spec.loader is not None
    double = importlib.util.module_from_spec(spec)
    sys.modules["offline_engine"] = double
    spec.loader.exec_module(double)
    return double


def _registered(module: Any, double: Any) -> list[str]:
    """The functions the main object registers, read from the query the SDK builds."""
    import anyio  # pylint: disable=import-outside-toplevel
    import dagger  # pylint: disable=import-outside-toplevel

    sent: list[Any] = []

    async def capture_id(self: dagger.Module) -> str:
        sent.extend(double.chain(self))
        return "captured"

    dagger.Module.id = capture_id  # type: ignore[method-assign]
    anyio.run(module._typedefs)  # pylint: disable=protected-access
    names: list[str] = []
    for field, args in sent:
        if field != "withObject":
            continue
        for step, function in args["object"]:
            if step == "withFunction":
                names.extend(a["name"] for s, a in function["function"] if s == "function")
    return names


def _outside(allowed: list[Path]) -> list[str]:
    """Imported modules whose file lies outside the runtime's environment, the standard library and the module."""
    found = []
    for name, loaded in sorted(sys.modules.items()):
        where = getattr(loaded, "__file__", None)
        if where and not any(Path(where).resolve().is_relative_to(root) for root in allowed):
            found.append(f"{name}: {where}")
    return found


def _outcome(double: Any, engine: Any, name: str) -> dict[str, Any]:
    """One function run to its end: what it returned (read through the double) or what it raised."""
    gate = engine.gate()
    try:
        value = double.called(getattr(gate, name))
    except Exception as error:  # pylint: disable=broad-exception-caught  # reported to the test
        text = str(error)
        said = (getattr(error, "stderr", "") or text).rstrip().splitlines()
        return {
            "raised": type(error).__name__,
            "last_line": said[-1:],
            "head": said[:6],
            "exit_code": getattr(error, "exit_code", None),
        }
    if isinstance(value, str):
        return {"returned": "str", "last_line": value.rstrip().splitlines()[-1:]}
    steps = double.chain(value)
    if steps[-1][0] == "changes":  # fix: the changed files of the changeset
        after = engine.resolve(steps[:-1])
        before = engine.resolve(steps[-1][1]["from"])
        changed = sorted(
            path.relative_to(after).as_posix()
            for path in after.rglob("*")
            if path.is_file() and (before / path.relative_to(after)).read_bytes() != path.read_bytes()
        )
        return {"returned": "Changeset", "changed": changed}
    resolved = engine.resolve(steps)
    if resolved.is_dir():
        return {"returned": "Directory", "files": sorted(p.name for p in resolved.iterdir())}
    return {"returned": "File", "text": resolved.read_text(encoding="utf-8")}


def main() -> None:
    """Load, register, run; print what happened as JSON."""
    options = argparse.ArgumentParser()
    options.add_argument("--double", type=Path, required=True)
    options.add_argument("--project", type=Path, required=True)
    options.add_argument("--state", type=Path, required=True)
    options.add_argument("--tools-python", required=True)
    options.add_argument("--functions", nargs="*", default=[])
    args = options.parse_args()
    report: dict[str, Any] = {"python": sys.version.split()[0], "flags": {"isolated": sys.flags.isolated}}
    try:
        from dagger.mod.cli import load_module  # pylint: disable=import-outside-toplevel

        module = load_module()
    except Exception:  # pylint: disable=broad-exception-caught  # the load failure is the finding
        report["load_error"] = traceback.format_exc()
        print(json.dumps(report))
        return
    import quality_gate  # pylint: disable=import-outside-toplevel  # already loaded by load_module

    report["package"] = str(Path(quality_gate.__file__).resolve())
    double = _load_double(args.double)
    report["functions"] = _registered(module, double)
    allowed = [Path(sys.prefix).resolve(), Path(sysconfig.get_paths()["stdlib"]).resolve()]
    # The laid-out module: its src/ and the vendored sdk/ (both installed editable), and this probe and its double.
    allowed += [Path(quality_gate.__file__).resolve().parents[2], Path(__file__).resolve(), args.double.resolve()]
    engine = double.OfflineEngine(args.project, args.state, args.tools_python, setattr)
    report["outcomes"] = {name: _outcome(double, engine, name) for name in args.functions}
    report["outside"] = _outside(allowed)
    report["images"] = sorted(set(engine.images))
    report["volumes"] = sorted(set(engine.volumes))
    print(json.dumps(report))


if __name__ == "__main__":
    main()
