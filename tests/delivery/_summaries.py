"""Real reports/summary.txt files, written by the local runner's `report` with the real tools on small trees.

The component's run-all job reads its verdict from the last line of the summary that `report` exports; the
Dagger function and the local runner render that file with the same code (reports/files.py). These give the
stand-in CLI real summaries to export, and the local runner's own exit code for each, to compare with.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from helpers.gate import Project
from helpers.paths import FIXTURES

# The three ends of a run: every tool passed, findings (ruff's planted ones), a tool that could not run
# (ruff's configuration names a rule that does not exist).
OUTCOMES = ("passed", "findings", "could-not-run")


@dataclass(frozen=True)
class Summary:
    """A summary.txt and the exit code the local runner gave for the same run."""

    path: Path
    exit_code: int


def _sources(outcome: str) -> dict[str, str]:
    tree = FIXTURES / ("ruff_only" if outcome == "findings" else "clean")
    return {f"src/{path.name}": path.read_text(encoding="utf-8") for path in sorted(tree.glob("*.py"))}


def write_summary(base: Path, outcome: str) -> Summary:
    """`report --output reports` on a project of that outcome; its summary.txt and exit code."""
    project = Project.create(base / outcome, _sources(outcome))
    if outcome == "could-not-run":
        shutil.copy(FIXTURES / "bad_config" / "ruff_unknown_rule" / "pyproject.toml", project.root / ".config")
    output = base / outcome / "reports"
    done = project.gate("report", "--source", "src", "--output", str(output))
    assert (output / "summary.txt").is_file(), done.stdout + done.stderr
    return Summary(output / "summary.txt", done.returncode)


def verdict(summary: Summary) -> str:
    """The summary's last line."""
    return summary.path.read_text(encoding="utf-8").splitlines()[-1]
