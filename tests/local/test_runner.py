"""The local runner's environment: the same fixed hash seed as the container, caches outside the source."""

from __future__ import annotations

import json
from pathlib import Path

import anyio
import pytest
from quality_gate.commands import Command, Layout, Tool
from quality_gate.local.runner import LocalRunner

PROBE = """import json, os, sys
seen = {"seed": os.environ.get("PYTHONHASHSEED"), "cache": os.environ.get("PROBE_CACHE"), "cwd": os.getcwd()}
print(json.dumps(seen))
"""


def test_tools_get_the_fixed_hash_seed_and_their_cache_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """pylint's findings depend on the hash seed; both runners fix it, so a laptop and CI agree."""
    modules = tmp_path / "modules"
    modules.mkdir()
    (modules / "env_probe.py").write_text(PROBE, encoding="utf-8")
    monkeypatch.syspath_prepend(str(modules))
    monkeypatch.setenv("PYTHONPATH", str(modules))
    monkeypatch.setenv("PYTHONHASHSEED", "random")
    runner = LocalRunner(Layout(source="src", config=".config", workdir=str(tmp_path)), tmp_path / "cache")
    execution = anyio.run(runner.execute, Command(Tool("probe", "env_probe", "PROBE_CACHE", "probe.toml"), ()))
    assert execution.exit_code == 0, execution.stderr
    assert json.loads(execution.stdout) == {
        "seed": "0",
        "cache": str(tmp_path / "cache" / "probe"),
        "cwd": str(tmp_path),
    }
