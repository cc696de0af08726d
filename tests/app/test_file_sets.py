"""The four tools check the same files: none of what git ignores, nor hidden folders, environments, caches or
build output; the rest, every one of them.

Each tool finds its files its own way (pylint and mypy walk the folder and do not read .gitignore; black and ruff
read it; each skips names of its own), so every file here has a finding for each of the four, and the files each
tool reports are compared: with each other, with what the gate counts (tree.py), with the tree's intent, and with
black and ruff run directly (their own reading of .gitignore).
"""

# Test names say what each test proves.
# pylint: disable=missing-function-docstring

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from helpers.gate import Project, said
from helpers.paths import TOOLS
from quality_gate.checks.base import hidden_glob, hidden_under
from quality_gate.tree import Snapshot

# A finding for every tool: docstrings (pylint), layout (black), a wrong return type (mypy), an unused import (ruff).
PLANTED = "import os\nx=1\ndef f(a: int) -> str:\n    return a\n"

CHECKED = ["src/app.py", "src/sub/deep.py", "src/keep.tmp.py", "docs/conf_docs.py"]
LEFT_OUT = [
    "src/scratch.tmp.py",  # `*.tmp.py` in the root .gitignore
    "src/odd, (1)+[x]^$.tmp.py",  # a name the patterns given to mypy and pylint must match literally
    "src/generated/made.py",  # `src/generated/` in the root .gitignore
    "out/output.py",  # `/out/`
    "src/sub/local_only.py",  # the nested src/sub/.gitignore
    "src/sub/gen/nested_gen.py",  # `gen/` in the nested .gitignore: a folder pattern below the root
    ".hidden/hidden_top.py",
    ".hidden/.deeper/hidden_deeper.py",
    ".tools/src/in_hidden_tools.py",
    ".tools/src/.inner/hidden_in_tools.py",
    "src/.hidden_pkg/hidden_in_src.py",
    "src/.dotfile.py",
    ".venv/in_dot_venv.py",
    "venv/in_venv.py",
    "node_modules/in_node.py",
    "site-packages/in_site.py",
    "dist/in_dist.py",
    "build/in_build.py",
    "src/build/in_src_build.py",
    "_build/in_underscore_build.py",
    "buck-out/in_buck.py",
    "__pypackages__/in_pypackages.py",
    "CVS/in_cvs.py",
]
IGNORE_FILES = {
    ".gitignore": "/out/\n*.tmp.py\n!keep.tmp.py\nsrc/generated/\n",
    "src/sub/.gitignore": "local_only.py\ngen/\n",
}


@pytest.fixture(name="project")
def fixture_project(tmp_path: Path) -> Project:
    project = Project.create(tmp_path, {**dict.fromkeys(CHECKED + LEFT_OUT, PLANTED), **IGNORE_FILES})
    (project.root / ".git").mkdir()
    return project


def reported(project: Project, source: str, *extra: str) -> dict[str, set[str]]:
    """Per tool, the files with findings in the Code Quality report of `report --source SOURCE`."""
    done = project.gate("report", "--source", source, "--output", "reports", *extra)
    assert done.returncode == 1, said(done)
    issues = json.loads((project.root / "reports" / "gl-code-quality-report.json").read_text(encoding="utf-8"))
    files: dict[str, set[str]] = {tool: set() for tool in TOOLS}
    for issue in issues:
        files[issue["check_name"].split(":")[0]].add(issue["location"]["path"])
    return files


def directly(project: Project, tool: str, source: str) -> set[str]:
    """The files black or ruff, run directly with the shipped configuration, would reformat or report: their own
    reading of .gitignore (told, as the gate tells them, to leave out hidden names under the source)."""
    config = project.root / ".config"
    if tool == "black":
        hidden = f"--force-exclude={hidden_under(source)}"
        done = project.tool("black", "--check", "--config", str(config / "black.toml"), hidden, source)
        paths = re.findall(r"^would reformat (.+)$", done.stderr, re.MULTILINE)
    else:
        args = ["check", "--config", str(config / "pyproject.toml"), "--output-format=json", "--no-fix", source]
        args.insert(-1, f"--extend-exclude={hidden_glob(source)}")
        paths = [entry["filename"] for entry in json.loads(project.tool("ruff", *args).stdout)]
    return {Path(path).resolve().relative_to(project.root).as_posix() for path in paths}


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (".", set(CHECKED)),
        ("src", {path for path in CHECKED if path.startswith("src/")}),
        (".hidden", {".hidden/hidden_top.py"}),  # a hidden source is checked, what is hidden below it is not
        (".tools/src", {".tools/src/in_hidden_tools.py"}),  # as this project's own .pipeline/src
    ],
)
@pytest.mark.parametrize("extra", [(), ("--no-cache",)], ids=["incremental", "plain"])
def test_the_four_tools_check_the_same_files(
    project: Project, source: str, expected: set[str], extra: tuple[str, ...]
) -> None:
    files = reported(project, source, *extra)
    for tool in TOOLS:
        assert files[tool] == expected, (tool, sorted(files[tool] ^ expected))
    assert set(Snapshot.take(project.root, source).python_files()) == expected, "what the gate counts"
    for tool in ("black", "ruff"):
        assert directly(project, tool, source) == expected, tool


@pytest.mark.parametrize("extra", [(), ("--no-cache",)], ids=["incremental", "plain"])
def test_the_rcfile_s_own_ignore_paths_still_apply_beside_what_git_ignores(
    project: Project, extra: tuple[str, ...]
) -> None:
    """pylint replaces its rcfile's ignore-paths with one given on the command line: the gate gives both."""
    rcfile = project.root / ".config" / ".pylintrc"
    rcfile.write_text(
        rcfile.read_text(encoding="utf-8").replace("[MAIN]\n", "[MAIN]\nignore-paths =\n    ^docs/,\n    ^src/sub/\n")
    )
    files = reported(project, ".", *extra)
    assert files["pylint"] == {"src/app.py", "src/keep.tmp.py"}, sorted(files["pylint"])
