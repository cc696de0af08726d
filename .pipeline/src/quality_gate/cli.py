"""The local front door: the same checks, pins and configs as the Dagger module, without Docker."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

import anyio

from . import gate, local_fix
from .cache import caching
from .checks import Check
from .execution import Layout
from .findings import ToolResult, Verdict
from .functions import SINGLE, all_checks, check_for
from .local import LocalRunner
from .reports import codequality, junit, summary

EXIT_PASSED, EXIT_FINDINGS, EXIT_BROKEN = 0, 1, 2


class UsageError(Exception):
    """Bad input from the user: said in one line with what to do, never as a traceback."""


def parser() -> argparse.ArgumentParser:
    """The command line, with the same names as the Dagger functions."""
    top = argparse.ArgumentParser(prog="python -m quality_gate", description=__doc__)
    top.add_argument("function", choices=[*SINGLE, "run-all", "report", "fix"], help="what to run")
    top.add_argument("--source", default="src", help="directory to check (default: src)")
    top.add_argument("--config", default=".config", help="directory of the tools' configuration (default: .config)")
    top.add_argument("--fail-fast", action="store_true", help="run-all: stop the other tools at the first failure")
    top.add_argument(
        "--cache-dir", default=None, help="where the tools keep their caches (default: ~/.cache/quality-gate)"
    )
    top.add_argument("--no-cache", action="store_true", help="always run the tools, ignoring stored results")
    top.add_argument("--output", default="reports", help="report: directory for the report files (default: reports)")
    return top


def main(argv: Sequence[str] | None = None) -> int:
    """Run one function; exit 0 passed, 1 findings, 2 a tool could not run or the input is wrong."""
    args = parser().parse_args(argv)
    try:
        local = LocalRunner(layout(args.source, args.config), cache_root(args.cache_dir))
        checks = [check_for(args.function)] if args.function in SINGLE else all_checks()
        require_configs(args.config, checks)
    except UsageError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_BROKEN
    if args.function == "fix":
        return run_fix(local)  # never through the result cache: fixers rewrite files
    runner = caching(local, local.cache_root, enabled=not args.no_cache)
    if args.function in {"run-all", "report"}:
        fail_fast = args.fail_fast and args.function == "run-all"
        results = anyio.run(gate.run_all, runner, checks, fail_fast)
        print(summary.overall(results))
        if args.function == "report":
            print(write_reports(results, Path(args.output)))
    else:
        results = [anyio.run(gate.run_check, runner, checks[0])]
        print(summary.single(results[0]))
    return exit_code(results)


def run_fix(runner: LocalRunner) -> int:
    """Fix in place and show the diff; exit 0 when the fixers did their job, 2 when one could not."""
    result = anyio.run(local_fix.fix, runner)
    if result.diff:
        print(result.diff, end="")
    print(f"fix: {len(result.changed)} file(s) changed" + (f": {', '.join(result.changed)}" if result.changed else ""))
    if result.failure:
        print(f"error: {result.failure}", file=sys.stderr)
        return EXIT_BROKEN
    return EXIT_PASSED


REPORT_FILES = {"gl-code-quality-report.json": codequality.render, "junit.xml": junit.render}


def write_reports(results: Sequence[ToolResult], output: Path) -> str:
    """Write the Code Quality and JUnit files (and the summary) and say where they are."""
    output.mkdir(parents=True, exist_ok=True)
    files = {name: render(results) for name, render in REPORT_FILES.items()}
    files["summary.txt"] = summary.overall(results) + "\n"
    for name, text in files.items():
        (output / name).write_text(text, encoding="utf-8")
    return f"reports written to {output}/: {', '.join(files)}"


def exit_code(results: Sequence[ToolResult]) -> int:
    """2 when any tool could not run, 1 when any found something, else 0."""
    verdicts = {result.verdict for result in results}
    if Verdict.BROKEN in verdicts:
        return EXIT_BROKEN
    return EXIT_FINDINGS if Verdict.FAILED in verdicts else EXIT_PASSED


def layout(source: str, config: str) -> Layout:
    """Paths as the tools will see them from the current directory, so findings read `src/x.py`."""
    workdir = Path.cwd()
    for name, value in (("--source", source), ("--config", config)):
        if not Path(value).is_dir():
            raise UsageError(f"{name} {value!r} is not a directory; run from your project's root or pass {name} DIR")
    if not any(Path(source).rglob("*.py")):
        raise UsageError(f"no Python file under {source!r}; point --source at your code")
    return Layout(source=_relative(source, workdir), config=_relative(config, workdir), workdir=str(workdir))


def require_configs(config: str, checks: Sequence[Check]) -> None:
    """Every tool's configuration file must be there before anything runs."""
    missing = [check.config_file for check in checks if not (Path(config) / check.config_file).is_file()]
    if missing:
        raise UsageError(f"missing in {config}: {', '.join(missing)}; copy them from the gate's .config/")


def cache_root(option: str | None) -> Path:
    """The tools' persistent caches; outside the source so that checks never write into it."""
    if option:
        return Path(option).resolve()
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "quality-gate"


def _relative(path: str, workdir: Path) -> str:
    resolved = Path(path).resolve()
    try:
        return resolved.relative_to(workdir).as_posix() or "."
    except ValueError:
        return resolved.as_posix()
