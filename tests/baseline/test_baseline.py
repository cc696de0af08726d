"""The baseline with the real tools: adopt the gate on a tree with findings, then fail only on new ones."""

# Test names say what each test proves.
# pylint: disable=missing-function-docstring

from __future__ import annotations

import functools
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import anyio
import pytest
from helpers.gate import Project, said
from helpers.runners import Canned
from quality_gate.app import run as gate
from quality_gate.baseline.file import FILE_NAME
from quality_gate.checks import CHECKS
from quality_gate.commands import Execution
from quality_gate.findings import ToolResult, Verdict

# pylint W0611 and ruff F401 (os), mypy no-untyped-def (shout) and return-value (length), black (TABLE).
APP = '''"""Planted findings for the baseline."""

import os


def shout(text):
    """Shout."""
    return text.upper()


def length(name: str) -> str:
    """Length of a name."""
    return len(name)


TABLE = {'a':1}
'''
# The same statement twice: pylint W0104 and ruff B018, each twice with the same message on the same text.
TWICE = '"""Two identical findings."""\n\nimport math\n\nmath.pi\nmath.pi\n'

ROW = re.compile(
    r"^(?P<tool>pylint|black|mypy|ruff)\s+(?P<verdict>passed|failed|could not run)\s+(?P<found>\d+)\s+"
    r"(?P<new>\d+)\s+(?P<known>\d+)\s+(?P<fixed>\d+)\s",
    re.MULTILINE,
)


def rows(stdout: str) -> dict[str, dict[str, Any]]:
    """The summary table's rows with a baseline (the last table printed wins): tool -> its columns."""
    found: dict[str, dict[str, Any]] = {}
    for match in ROW.finditer(stdout):
        found[match["tool"]] = {
            key: int(value) if value.isdigit() else value for key, value in match.groupdict().items()
        }
    return found


def news(stdout: str) -> dict[str, int]:
    return {tool: row["new"] for tool, row in rows(stdout).items()}


def entries(project: Project) -> list[dict[str, Any]]:
    text = (project.root / ".config" / FILE_NAME).read_text(encoding="utf-8")
    loaded: list[dict[str, Any]] = json.loads(text)["entries"]
    return loaded


@pytest.fixture(name="adopted")
def fixture_adopted(tmp_path: Path) -> Project:
    """A tree with findings of every tool, and its baseline recorded."""
    project = Project.create(tmp_path, {"src/app.py": APP, "src/twice.py": TWICE})
    before = project.gate("run-all")
    assert before.returncode == 1, said(before)
    done = project.gate("baseline")
    assert done.returncode == 0, said(done)
    return project


def edit(project: Project, name: str, change: Any) -> None:
    path = project.root / "src" / name
    path.write_text(change(path.read_text(encoding="utf-8")), encoding="utf-8")


def test_a_tree_with_findings_gets_a_baseline_sorted_one_entry_per_line_and_passes(adopted: Project) -> None:
    text = (adopted.root / ".config" / FILE_NAME).read_text(encoding="utf-8")
    lines = text.splitlines()
    assert lines[:3] == ["{", '  "format": "quality-gate-baseline/2",', '  "entries": ['] and lines[-2:] == ["  ]", "}"]
    recorded = [json.loads(line.strip().rstrip(",")) for line in lines[3:-2]]
    assert recorded == entries(adopted), "one entry per line"
    assert recorded == sorted(
        recorded, key=lambda e: (e["identity"], e.get("scope") or "", e.get("line", ""), e.get("context", ""))
    )
    tools = {entry["identity"][0] for entry in recorded}
    assert tools == set(CHECKS)
    done = adopted.gate("run-all")
    assert done.returncode == 0, said(done)
    assert news(done.stdout) == {"pylint": 0, "black": 0, "mypy": 0, "ruff": 0}
    assert all(row["known"] > 0 and row["fixed"] == 0 for row in rows(done.stdout).values()), done.stdout
    assert done.stdout.rstrip("\n").splitlines()[-1] == "gate passed: pylint, black, mypy, ruff passed"


def test_lines_inserted_above_and_between_findings_still_pass(adopted: Project) -> None:
    edit(adopted, "app.py", lambda text: "# Copyright 2026 the authors\n# Licence: MIT\n\n" + text)
    edit(adopted, "app.py", lambda text: text.replace("def length", "# How long a name is.\n\n\ndef length"))
    edit(adopted, "twice.py", lambda text: text.replace("import math\n", "import math\n\n# Two reads of pi.\n"))
    done = adopted.gate("run-all")
    assert done.returncode == 0, said(done)
    assert news(done.stdout) == {"pylint": 0, "black": 0, "mypy": 0, "ruff": 0}
    assert all(row["fixed"] == 0 for row in rows(done.stdout).values()), done.stdout


# One mypy finding (assignment), in g.
TYPED = '"""A type error in a function."""\n\n\ndef g() -> int:\n    """G."""\n    y: int = "a"\n    return y\n'
FIXED_G = TYPED.replace('y: int = "a"', "y: int = 1")
H = '\n\ndef h() -> int:\n    """H."""\n    {line}\n    return {name}\n'
K = '\n\ndef k() -> int:\n    """K, clean."""\n    return 2\n'


@pytest.mark.parametrize(
    ("after", "new", "known", "fixed"),
    [
        # g fixed, h added with the same error: the issue's case, then the very same line in another function.
        (FIXED_G + H.format(line='z: int = "a"', name="z"), 1, 0, 1),
        (FIXED_G + H.format(line='y: int = "a"', name="y"), 1, 0, 1),
        # Other code on the finding's own line, in g: the same message, another finding.
        (TYPED.replace('y: int = "a"', 'y: int = "a" + "b"'), 1, 0, 1),
        # Lines moved: g after a new function, a comment and blank lines above its error: the same finding.
        (TYPED.replace("\n\ndef g", K + "\n\ndef g").replace("    y: int", "    # Why.\n\n    y:  int"), 0, 1, 0),
    ],
    ids=["another-function", "same-line-another-function", "other-code-on-its-line", "moved-with-its-lines"],
)
def test_a_finding_is_known_only_in_its_own_function_on_its_own_line(
    tmp_path: Path, after: str, new: int, known: int, fixed: int
) -> None:
    project = Project.create(tmp_path, {"src/app.py": TYPED})
    assert project.gate("baseline").returncode == 0
    (project.root / "src" / "app.py").write_text(after, encoding="utf-8")
    done = project.gate("mypy")
    assert done.returncode == (1 if new else 0), said(done)
    assert done.stdout.splitlines()[-1].endswith(
        f"{new} new finding{'s' * (new != 1)} ({known} known, {fixed} fixed since the baseline)"
    ), said(done)


def test_mypy_moving_its_hint_to_another_missing_import_leaves_the_finding_known(tmp_path: Path) -> None:
    """mypy's "See https://..." goes to the first missing import it reports cold; after b.py is edited its warm
    run gives it to b.py's too. The hint is no part of what the baseline knows a finding by."""
    module = '"""{name}."""\n\nimport nowhere\n\nVALUE = nowhere.value\n'
    project = Project.create(tmp_path, {"src/a.py": module.format(name="A"), "src/b.py": module.format(name="B")})
    first = project.gate("mypy")
    assert re.search(r"^src/a\.py:3:1: note: See https://\S+$", first.stdout, re.MULTILINE), said(first)  # as mypy
    assert project.gate("baseline").returncode == 0
    edit(project, "b.py", lambda text: text + "\nOTHER = 2\n")
    done = project.gate("mypy")
    assert done.returncode == 0, said(done)
    assert "mypy passed: 0 new findings (2 known, 0 fixed since the baseline)" in done.stdout


def test_a_new_finding_fails_and_is_the_only_new_one_in_summary_code_quality_and_junit(adopted: Project) -> None:
    """Its message is the same as a known one's (mypy: missing annotation): the line tells them apart."""
    edit(adopted, "app.py", lambda text: text + '\n\ndef other(value):\n    """Other."""\n    return value\n')
    done = adopted.gate("report", "--output", "reports")
    assert done.returncode == 1, said(done)
    assert news(done.stdout) == {"pylint": 0, "black": 0, "mypy": 1, "ruff": 0}, done.stdout
    section = done.stdout.split("===== mypy =====")[1].split("=====")[0]
    assert "src/app.py:19:1: error: Function is missing a type annotation" in section
    assert "src/app.py:6:" not in section, "the known one is not listed as a finding to fix"
    assert "gate failed: mypy (failed)" in done.stdout
    summary_txt = (adopted.root / "reports" / "summary.txt").read_text(encoding="utf-8")
    assert news(summary_txt) == news(done.stdout)
    issues = json.loads((adopted.root / "reports" / "gl-code-quality-report.json").read_text(encoding="utf-8"))
    new = [issue for issue in issues if issue["severity"] != "info"]
    assert [(i["check_name"], i["location"]["lines"]["begin"]) for i in new] == [("mypy:no-untyped-def", 19)]
    assert len(issues) == len(entries(adopted)) + 1, "the known findings are kept, at the lowest severity"
    failures = ET.parse(adopted.root / "reports" / "junit.xml").getroot().iter("failure")
    assert [(f.get("type"), f.text) for f in failures] == [
        ("mypy", "src/app.py:19:1: no-untyped-def: Function is missing a type annotation")
    ]


def test_a_fixed_finding_shows_as_fixed_and_baseline_removes_only_it(adopted: Project) -> None:
    before = entries(adopted)
    edit(adopted, "app.py", lambda text: text.replace("import os\n\n\n", "\n"))
    done = adopted.gate("run-all")
    assert done.returncode == 0, said(done)
    fixed = {tool: row["fixed"] for tool, row in rows(done.stdout).items()}
    assert fixed == {"pylint": 1, "black": 0, "mypy": 0, "ruff": 1}, done.stdout
    again = adopted.gate("baseline")
    assert again.returncode == 0, said(again)
    assert "2 fixed findings removed" in again.stdout
    removed = [entry for entry in before if entry not in entries(adopted)]
    assert sorted(entry["identity"][1] for entry in removed) == ["F401", "W0611"]
    assert len(entries(adopted)) == len(before) - 2
    assert all(row["fixed"] == 0 for row in rows(adopted.gate("run-all").stdout).values())


def test_baseline_never_adds_a_new_finding_unless_reset(adopted: Project) -> None:
    before = entries(adopted)
    edit(adopted, "app.py", lambda text: text + "\n\nimport sys\n")
    kept = adopted.gate("baseline")
    assert kept.returncode == 1, said(kept)
    assert "new findings not added" in kept.stdout and entries(adopted) == before
    reset = adopted.gate("baseline", "--reset")
    assert reset.returncode == 0, said(reset)
    assert len(entries(adopted)) > len(before)
    assert adopted.gate("run-all").returncode == 0


def test_two_identical_findings_in_one_file_need_two_entries(adopted: Project) -> None:
    twice = [entry for entry in entries(adopted) if entry["identity"][2] == "src/twice.py"]
    by_rule = {rule: sum(entry["identity"][1] == rule for entry in twice) for rule in ("W0104", "B018")}
    assert by_rule == {"W0104": 2, "B018": 2}, twice
    edit(adopted, "twice.py", lambda text: text + "math.pi\n")
    done = adopted.gate("run-all")
    assert done.returncode == 1, said(done)
    assert news(done.stdout) == {"pylint": 1, "black": 0, "mypy": 0, "ruff": 1}, done.stdout


def test_one_of_two_identical_entries_covers_one_finding_only(adopted: Project) -> None:
    path = adopted.root / ".config" / FILE_NAME
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    first = next(n for n, line in enumerate(lines) if '"W0104"' in line)
    path.write_text("".join(lines[:first] + lines[first + 1 :]), encoding="utf-8")
    done = adopted.gate("run-all")
    assert done.returncode == 1, said(done)
    assert news(done.stdout) == {"pylint": 1, "black": 0, "mypy": 0, "ruff": 0}, done.stdout


def test_a_repeated_entry_line_counts_once_and_says_so(adopted: Project) -> None:
    """A line repeated by hand (both sides of a merge kept) must not let one more finding of its kind pass."""
    path = adopted.root / ".config" / FILE_NAME
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    last = max(n for n, line in enumerate(lines) if '"W0104"' in line)
    path.write_text("".join([*lines[: last + 1], lines[last].rstrip("\n").rstrip(",") + ",\n", *lines[last + 1 :]]))
    edit(adopted, "twice.py", lambda text: text + "math.pi\n")
    done = adopted.gate("lint")
    assert done.returncode == 1, said(done)
    assert done.stdout.splitlines()[-1] == "pylint failed: 1 new finding (3 known, 0 fixed since the baseline)", said(
        done
    )
    assert done.stderr.splitlines() == [
        f"note: .config/{FILE_NAME} repeats an entry (counted once); run `baseline` to write it without repeats"
    ]


def test_a_file_black_would_reformat_fails_again_when_its_diff_grows(adopted: Project) -> None:
    edit(adopted, "app.py", lambda text: text + "OTHER = {'b':2}\n")
    grown = adopted.gate("format")
    assert grown.returncode == 1, said(grown)
    assert grown.stdout.splitlines()[-1] == "black failed: 1 new finding (0 known, 0 fixed since the baseline)"
    edit(
        adopted,
        "app.py",
        lambda text: text.replace("OTHER = {'b':2}\n", "").replace("TABLE = {'a':1}", "TABLE = {'a': 1}"),
    )
    smaller = adopted.gate("format")
    assert smaller.returncode == 0, said(smaller)
    assert smaller.stdout.splitlines()[-1] == "black passed: 0 new findings (1 known, 0 fixed since the baseline)"


def test_editing_the_baseline_reruns_no_tool(adopted: Project) -> None:
    """The baseline is applied to the findings afterwards: no tool reads it, no result is invalidated by it."""
    first = adopted.gate("run-all")
    path = adopted.root / ".config" / FILE_NAME
    path.write_text(path.read_text(encoding="utf-8").replace('"W0104"', '"W9999"', 1), encoding="utf-8")
    second = adopted.gate("run-all")
    assert first.returncode == 0 and second.returncode == 1, said(second)
    assert second.stdout.split("\n\n")[0].count("(cached)") == 4, second.stdout
    assert news(second.stdout)["pylint"] == 1


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ('{"format": "quality-gate-baseline/1", "entries": [', "Expecting value"),
        ('{"entries": []}', 'no "format"'),
        ('{"format": "quality-gate-baseline/2", "entries": [{"identity": ["ruff"]}]}', "entry 1: identity"),
        ('{"format": "quality-gate-baseline/2", "entries": [{"identity": ["a", "b", "c"], "size": -1}]}', "size"),
        ('{"format": "quality-gate-baseline/2", "entries": [{"identity": ["a", "b", "c"], "count": 0}]}', "count"),
    ],
)
def test_a_corrupt_baseline_is_a_one_line_error(tmp_path: Path, text: str, problem: str) -> None:
    project = Project.create(tmp_path, {"src/app.py": APP})
    (project.root / ".config" / FILE_NAME).write_text(text, encoding="utf-8")
    for function in ("run-all", "baseline", "ruff"):
        done = project.gate(function)
        assert done.returncode == 2 and done.stdout == "", said(done)
        assert len(done.stderr.splitlines()) == 1 and problem in done.stderr, said(done)
        assert done.stderr.startswith(f"error: .config/{FILE_NAME} is not a quality-gate baseline"), said(done)


def test_a_baseline_that_is_not_utf_8_is_a_one_line_error_naming_the_file(tmp_path: Path) -> None:
    project = Project.create(tmp_path, {"src/app.py": APP})
    (project.root / ".config" / FILE_NAME).write_bytes(b'{"format": "quality-gate-baseline/2", "entries": [\xff]}')
    for function in ("run-all", "baseline", "ruff"):
        done = project.gate(function)
        assert done.returncode == 2 and done.stdout == "", said(done)
        assert done.stderr.splitlines() == [
            f"error: .config/{FILE_NAME} is not a quality-gate baseline (not UTF-8 text: byte 0xff at offset 50); "
            "restore it from git, or record it anew with `baseline --reset`"
        ], said(done)


def test_reset_records_anew_over_a_corrupt_baseline_without_reading_it(tmp_path: Path) -> None:
    """The corrupt file's error says to run `baseline --reset`: that must work, whatever the old file holds."""
    project = Project.create(tmp_path, {"src/app.py": APP})
    path = project.root / ".config" / FILE_NAME
    path.write_text('{"format": "quality-gate-baseline/2", "entries": [', encoding="utf-8")
    refused = project.gate("run-all")
    assert refused.returncode == 2 and "`baseline --reset`" in refused.stderr, said(refused)
    done = project.gate("baseline", "--reset")
    assert done.returncode == 0, said(done)
    assert entries(project) and project.gate("run-all").returncode == 0


def test_a_tool_that_could_not_run_leaves_the_baseline_unwritten(tmp_path: Path) -> None:
    project = Project.create(tmp_path, {"src/app.py": APP, "src/broken.py": "def broken(:\n"})
    done = project.gate("baseline")
    assert done.returncode == 2, said(done)
    assert "baseline not written: black, mypy did not run" in done.stderr, said(done)
    assert not (project.root / ".config" / FILE_NAME).exists()


def one_ruff_finding() -> Canned:
    """ruff's JSON for one finding, without running ruff."""
    finding = {"code": "F401", "message": "`os` imported but unused", "filename": "src/app.py"}
    return Canned(Execution(1, json.dumps([{**finding, "location": {"row": 3, "column": 8}}]), "", 0.1))


def test_a_review_that_fails_leaves_the_tool_as_could_not_run_saying_why() -> None:
    """Reading the source for the baseline's anchors can fail (in Dagger, a query): never a pass, never a crash."""

    async def unreadable(result: ToolResult) -> ToolResult:
        raise OSError(f"cannot read {result.findings[0].path}")

    result = anyio.run(functools.partial(gate.run_check, one_ruff_finding(), CHECKS["ruff"], review=unreadable))
    assert result.verdict is Verdict.BROKEN
    assert result.outcome.headline == (
        "ruff could not run: its findings could not be set against the baseline: OSError: cannot read src/app.py"
    )
    assert [finding.rule for finding in result.findings] == ["F401"], "the findings are kept"
