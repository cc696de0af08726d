"""The report files as one set: checked before any tool runs, written whole, replaced together."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from ..disk import new_file_mode, write_all
from ..errors import QualityGateError
from ..findings import ToolResult
from . import codequality, junit, sarif, summary

Drivers = Mapping[str, sarif.Driver]  # what the reports say of each tool besides its results, by its name
SARIF_FILE = "quality-gate.sarif"

# Every report `report` writes, by file name; the Dagger function returns the same set.
RENDERERS: dict[str, Callable[[Sequence[ToolResult], Drivers], str]] = {
    "gl-code-quality-report.json": lambda results, _: codequality.render(results),
    "junit.xml": lambda results, _: junit.render(results),
    SARIF_FILE: sarif.render,
    # Every finding: not cut like a log.
    "summary.txt": lambda results, _: summary.overall(results, limit=None) + "\n",
}


class ReportDirectoryError(QualityGateError):
    """The output directory cannot take the reports; the message says why and what to do."""


def render_all(results: Sequence[ToolResult], drivers: Drivers) -> dict[str, str]:
    """Each report's text, by file name."""
    return {name: render(results, drivers) for name, render in RENDERERS.items()}


def check_output(output: Path) -> Path:
    """Make sure the reports can be written there, before any tool runs (creating the directory if needed)."""
    if output.exists() and not output.is_dir():
        raise ReportDirectoryError(f"--output {output} is not a directory; pass --output DIR")
    try:
        output.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ReportDirectoryError(f"cannot create --output {output}: {error.strerror}; pass --output DIR") from None
    if not os.access(output, os.W_OK | os.X_OK):
        raise ReportDirectoryError(f"--output {output} is not writable; pass --output DIR")
    taken = [name for name in RENDERERS if (output / name).exists() and not (output / name).is_file()]
    if taken:
        raise ReportDirectoryError(
            f"in --output {output}, {', '.join(taken)} is not a file; remove it or pass --output DIR"
        )
    return output


def write(results: Sequence[ToolResult], output: Path, drivers: Drivers) -> str:
    """Write every report to a temporary file, then rename them all: never a mix of two runs' files."""
    texts = render_all(results, drivers)
    files = {output / name: text.encode("utf-8") for name, text in texts.items()}
    try:
        # check_output again, just before the renames: a report name taken meanwhile fails them all
        write_all(files, new_file_mode(), before_renaming=lambda: check_output(output))
    except (OSError, ReportDirectoryError) as error:
        raise ReportDirectoryError(f"could not write the reports into {output}: {error}") from None
    return f"reports written to {output}/: {', '.join(texts)}"
