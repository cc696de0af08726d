"""pylint run both ways on a tree a test builds: the gate's full run (`python -m pylint`) and the incremental
driver, with the same arguments and environment as the local runner gives them."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from quality_gate.checks import CHECKS
from quality_gate.commands import Layout
from quality_gate.drivers import launch as driver
from quality_gate.drivers.identity import differences
from quality_gate.drivers.pylint.linter import STATE_DIR
from quality_gate.local.runner import tool_environment

from .paths import CONFIG

# What `python -m quality_gate.drivers.pylint` does, after a test's prelude.
START_DRIVER = "from quality_gate.drivers.pylint.__main__ import main\nmain()"


@dataclass(frozen=True)
class PylintRun:
    """One run: its exit code, json2 report and what it said on stderr."""

    exit_code: int
    report: dict[str, Any]
    stderr: str


@dataclass(frozen=True)
class Tree:
    """A project root with Python files under `source`, and a pylint home for the driver's state."""

    root: Path
    home: Path
    source: str = "pkg"

    def write(self, files: dict[str, str]) -> None:
        """Create or replace files (relative to the root)."""
        for name, text in files.items():
            path = self.root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")

    def remove(self, name: str) -> None:
        """Delete a file."""
        (self.root / name).unlink()

    def run(self, incremental: bool, *extra: str, prelude: str = "") -> PylintRun:
        """pylint as the gate runs it (the check's own arguments), full or through the driver.

        `prelude`: Python run before the driver starts, in its process (a limit lowered, a function watched).
        """
        layout = Layout(source=self.source, config=str(CONFIG), workdir=str(self.root))
        command = CHECKS["pylint"].command(layout, incremental=incremental)
        env = tool_environment()
        env["PYLINTHOME"] = str(self.home if incremental else self.home.with_name(self.home.name + "-full"))
        if command.uses_driver:
            env.update(driver.environment(str(driver.LOCAL_ROOT), env.get("PYTHONPATH")))
        start = [*command.argv[:2]] if not prelude else ["-c", f"{prelude}\n{START_DRIVER}"]
        argv = [sys.executable, "-P", *start, *extra, *command.argv[2:]]
        done = subprocess.run(argv, cwd=self.root, env=env, capture_output=True, text=True, check=False, timeout=300)
        assert done.stdout.strip(), f"no json2 report: exit {done.returncode}\n{done.stderr}"
        return PylintRun(done.returncode, json.loads(done.stdout), done.stderr)

    def last_run(self) -> dict[str, Any]:
        """What the driver says its last run did."""
        record: dict[str, Any] = json.loads((self.home / STATE_DIR / "last-run.json").read_text(encoding="utf-8"))
        return record

    def same_as_full(self) -> tuple[PylintRun, PylintRun]:
        """An incremental run and a full run, asserted to give the same result; both returned."""
        incremental, full = self.run(True), self.run(False)
        assert differences(incremental.report, full.report) == []
        assert incremental.exit_code == full.exit_code
        return incremental, full


def reported(run: PylintRun) -> set[str]:
    """Every symbol the run reported, on any file."""
    return {message["symbol"] for message in run.report["messages"]}


def symbols(run: PylintRun, path: str) -> list[str]:
    """The symbols reported on one file, sorted."""
    return sorted(message["symbol"] for message in run.report["messages"] if message["path"] == path)
