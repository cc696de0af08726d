"""Results a team can trust on a real project: no false pass from the cache, no leakage between projects,
nothing that depends on where the gate is started from or on what else is installed."""

# Test names say what each test proves.
# pylint: disable=missing-function-docstring

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers.gate import make_project, run_gate, said
from helpers.paths import REPO
from packaging.requirements import Requirement

TYPED_USER = '"""Uses a value from a sibling package."""\n\nfrom b import VALUE\n\nTOTAL: int = VALUE + 1\n'


def test_a_module_outside_the_source_that_the_source_imports_is_an_input(tmp_path: Path) -> None:
    """The false pass: mypy reads `b` outside `--source src/a`; changing it must not be answered from the cache."""
    root = make_project(
        tmp_path / "p", {"src/a/__init__.py": TYPED_USER, "src/b/__init__.py": '"""B."""\n\nVALUE = 1\n'}
    )
    cache = tmp_path / "cache"
    first = run_gate(root, "mypy", "--source", "src/a", cache=cache)
    assert first.returncode == 0, said(first)
    (root / "src" / "b" / "__init__.py").write_text('"""B."""\n\nVALUE = "x"\n', encoding="utf-8")
    second = run_gate(root, "mypy", "--source", "src/a", cache=cache)
    assert second.returncode == 1, said(second)
    assert "(cached)" not in second.stdout and "mypy failed" in second.stdout


def test_two_projects_with_the_same_module_names_keep_their_own_tool_caches(tmp_path: Path) -> None:
    """mypy's cache names files relative to its project: a shared one made reports name the other project's files."""
    cache = tmp_path / "cache"
    bad = '"""M."""\n\n\ndef f() -> int:\n    """F."""\n    return "no"\n'
    one = make_project(tmp_path / "one", {"src/pkg/__init__.py": '"""P."""\n', "src/pkg/models.py": bad})
    two = make_project(tmp_path / "two", {"src/pkg/__init__.py": '"""P."""\n', "src/pkg/views.py": bad})
    for root in (one, two, one):
        done = run_gate(root, "mypy", "--source", "src", "--no-cache", cache=cache)
        assert done.returncode == 1, said(done)
        named = {line.split(":", 1)[0] for line in done.stdout.splitlines() if ": error: " in line}
        assert named and all((root / path).is_file() for path in named), (root, named)
    mypy_caches = sorted(cache.glob("projects/*/tools/mypy"))
    assert len(mypy_caches) == 2


CLEAN = '"""Clean."""\n\n\ndef double(number: int) -> int:\n    """Twice."""\n    return number * 2\n'


@pytest.mark.parametrize("module", ["enum.py", "json.py"])
def test_a_project_module_named_like_the_standard_library_does_not_break_the_gate(tmp_path: Path, module: str) -> None:
    """Neither the gate nor a tool imports the project's module in place of the standard library's."""
    plain = make_project(tmp_path / "plain", {"src/clean.py": CLEAN})
    shadowed = make_project(tmp_path / "shadowed", {"src/clean.py": CLEAN, module: "raise SystemExit('shadowed!')\n"})
    expected = run_gate(plain, "run-all", "--no-cache", cache=tmp_path / "cache")
    done = run_gate(shadowed, "run-all", "--no-cache", cache=tmp_path / "cache")
    assert "Traceback" not in done.stderr and "shadowed!" not in done.stdout + done.stderr, said(done)
    verdicts = {line.split()[0]: line.split()[1] for line in done.stdout.splitlines()[1:5]}
    assert verdicts == {line.split()[0]: line.split()[1] for line in expected.stdout.splitlines()[1:5]}, said(done)
    assert done.returncode == expected.returncode == 0, said(done)


def test_a_root_types_module_gets_mypys_own_answer(tmp_path: Path) -> None:
    """mypy puts its working directory on its search path, and typeshed's builtins import `types`: mypy itself,
    run from the project's root, refuses to go on. The gate says the same, and the other three are unaffected."""
    root = make_project(tmp_path / "p", {"src/clean.py": CLEAN, "types.py": "raise SystemExit('shadowed!')\n"})
    done = run_gate(root, "run-all", "--no-cache", cache=tmp_path / "cache")
    own = subprocess.run(
        [sys.executable, "-P", "-m", "mypy", "--config-file", ".config/mypy.ini", "src"],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    assert own.returncode == 2 and 'shadows library module "types"' in own.stdout, own.stdout + own.stderr
    assert "Traceback" not in done.stderr and done.returncode == 2, said(done)
    assert 'mypy could not run: types.py:1:0: This file shadows library module "types"' in done.stdout, said(done)
    assert "gate failed: mypy (could not run)" in done.stdout.splitlines()[-1]


def test_a_source_outside_the_project_is_a_one_line_error(tmp_path: Path) -> None:
    make_project(tmp_path / "elsewhere", {"src/x.py": "X = 1\n"})
    root = make_project(tmp_path / "p", {"src/x.py": "X = 1\n"})
    done = run_gate(root, "ruff", "--source", str(tmp_path / "elsewhere" / "src"), cache=tmp_path / "cache")
    assert done.returncode == 2, said(done)
    assert done.stdout == "" and len(done.stderr.splitlines()) == 1, said(done)
    assert "is outside the project's root" in done.stderr


def test_paths_in_reports_are_relative_to_the_repository_root_from_any_directory(tmp_path: Path) -> None:
    root = make_project(tmp_path / "repo", {"app/src/mod.py": "import os\n"})
    (root / ".git").mkdir()  # the repository's root, as git would find it
    shutil.move(root / ".config", root / "app" / ".config")
    done = run_gate(root / "app", "report", "--output", "out", cache=tmp_path / "cache")
    assert done.returncode == 1, said(done)
    issues = json.loads((root / "app" / "out" / "gl-code-quality-report.json").read_text(encoding="utf-8"))
    assert issues and {issue["location"]["path"] for issue in issues} == {"app/src/mod.py"}


def pinned(requirements: Path) -> set[str]:
    """`name==version` of every pin in a hash-pinned file that applies to this interpreter."""
    pins = set()
    for line in requirements.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith((" ", "#", "-")):
            requirement = Requirement(line.rstrip(" \\"))
            if requirement.marker is None or requirement.marker.evaluate():
                pins.add(f"{requirement.name.lower()}=={next(iter(requirement.specifier)).version}")
    return pins


def test_the_tools_environment_holds_exactly_the_pins_and_the_gate() -> None:
    """What `make venv` made (and `make test` left alone): extra packages change what mypy and pylint find.

    Besides the pins, the gate's own package from this checkout, for its command.
    """
    python = REPO / ".venv" / "bin" / "python"
    if not python.exists():
        pytest.skip("no .venv: `make test` creates it (make venv)")
    assert Path(sys.prefix).resolve() != (REPO / ".venv").resolve(), "the tests run in an environment of their own"
    done = subprocess.run([python, "-m", "pip", "freeze"], capture_output=True, text=True, check=True)
    lines = done.stdout.splitlines()
    assert f"quality-gate @ {REPO.as_uri()}" in lines, "make venv installs the gate from this checkout"
    installed = {line.lower().replace("_", "-") for line in lines if not line.startswith("quality-gate @ ")}
    assert installed == pinned(REPO / ".config" / "requirements.txt")


def test_a_moved_module_is_reported_at_its_new_path(tmp_path: Path) -> None:
    """mypy 2.4's cache maps a module to the path it had: after a move it named a file that no longer exists.

    Its cache is kept per set of files, so a move starts it afresh (and moving back finds the old one warm).
    """
    root = make_project(tmp_path / "p", {"src/a/planted.py": 'VALUE: int = "one"\n'})
    cache = tmp_path / "cache"
    first = run_gate(root, "mypy", cache=cache)
    assert "src/a/planted.py:1:" in first.stdout, said(first)
    (root / "src" / "c").mkdir()
    (root / "src" / "a" / "planted.py").rename(root / "src" / "c" / "planted.py")
    moved = run_gate(root, "mypy", cache=cache)
    assert moved.returncode == 1 and "src/c/planted.py:1:" in moved.stdout, said(moved)
    assert "src/a/planted.py" not in moved.stdout
