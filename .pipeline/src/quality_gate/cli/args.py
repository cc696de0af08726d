"""The local front door's command line: the same names as the Dagger functions."""

from __future__ import annotations

import argparse
import math

from ..errors import QualityGateError
from ..functions import ALL_TOOLS, single
from ..local.runner import DEFAULT_TIMEOUT
from ..reports import summary

# How the user started the gate, for its usage line: the installed command, or the module (`make self-check`).
MODULE_PROG = "python -P -m quality_gate"
COMMAND_PROG = "quality-gate"

DESCRIPTION = "The local front door: the same checks, pins and configs as the Dagger module, without Docker."


class UsageError(QualityGateError):
    """Bad input from the user: said in one line with what to do, never as a traceback."""


def parser(prog: str = MODULE_PROG) -> argparse.ArgumentParser:
    """The command line, with the same names as the Dagger functions."""
    top = argparse.ArgumentParser(prog=prog, description=DESCRIPTION)
    top.add_argument("function", choices=[*single(), *ALL_TOOLS], help="what to run")
    top.add_argument("--source", default="src", help="directory to check (default: src)")
    top.add_argument(
        "--config",
        default=None,
        help="directory of the tools' configuration (default: .config); a file it lacks is the gate's shipped one",
    )
    top.add_argument("--fail-fast", action="store_true", help="run-all: stop the other tools at the first failure")
    top.add_argument(
        "--cache-dir", default=None, help="where the tools keep their caches (default: ~/.cache/quality-gate)"
    )
    top.add_argument("--no-cache", action="store_true", help="always run the tools, ignoring stored results")
    top.add_argument("--output", default="reports", help="report: directory for the report files (default: reports)")
    top.add_argument(
        "--timeout",
        type=_seconds,
        default=DEFAULT_TIMEOUT,
        help=f"seconds a tool may run before it is stopped as 'could not run' (default: {DEFAULT_TIMEOUT:g})",
    )
    top.add_argument("--yes", action="store_true", help="fix: apply without asking (without a terminal it never asks)")
    top.add_argument("--undo", action="store_true", help="fix: put back the files the last fix changed")
    top.add_argument(
        "--reset", action="store_true", help="baseline: record every current finding (default: only drop fixed ones)"
    )
    top.add_argument("--quiet", action="store_true", help="print only the table of verdicts and the verdict")
    shown = top.add_mutually_exclusive_group()
    shown.add_argument(
        "--max-findings",
        type=summary.finding_limit,
        default=summary.DEFAULT_LIMIT,
        metavar="N",
        help=f"findings printed per tool; the reports keep all (default: {summary.DEFAULT_LIMIT})",
    )
    shown.add_argument("--all", dest="max_findings", action="store_const", const=None, help="print every finding")
    top.add_argument("--debug", action="store_true", help="show a traceback for an unexpected error")
    return top


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError("the time limit must be a number of seconds above 0")
    return value
