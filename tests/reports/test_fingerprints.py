"""Code Quality fingerprints survive unrelated edits, also for messages that carry numbers or list places."""

# Test names say what each test proves.
# pylint: disable=missing-function-docstring

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from helpers.gate import Project
from quality_gate.checks import CHECKS
from quality_gate.commands import Execution, Layout
from quality_gate.findings import ToolResult
from quality_gate.reports import codequality

BLOCK = "".join(f"    total = total + {index} * factor\n" for index in range(8))


def long_module() -> str:
    """Over 1,000 lines (C0302 counts them), a function defined twice (E0102 names the line), a copied block."""
    head = '"""A long module."""\n\n\ndef twice(value: int) -> int:\n    """Twice."""\n    return value * 2\n\n\n'
    again = 'def twice(value: int) -> int:  # defined again\n    """Twice."""\n    return value + value\n\n\n'
    copied = f'def spread(factor: int) -> int:\n    """Spread."""\n    total = 0\n{BLOCK}    return total\n\n\n'
    filler = "".join(f"VALUE_{index} = {index}\n" for index in range(1100))
    return head + again + copied + filler


def other_module() -> str:
    """The same block in another function, another file."""
    head = '"""Another."""\n\n\ndef widen(factor: int) -> int:\n    """Widen."""\n    total = 1\n'
    return f"{head}{BLOCK}    return total\n"


def pylint_issues(project: Project) -> list[dict[str, Any]]:
    """`report` on the project, then pylint's entries of its Code Quality file."""
    done = project.gate("report", "--output", "reports", "--no-cache")
    assert "Traceback" not in done.stderr, done.stderr
    report = project.root / "reports" / "gl-code-quality-report.json"
    issues: list[dict[str, Any]] = json.loads(report.read_text(encoding="utf-8"))
    return [issue for issue in issues if issue["engine_name"] == "pylint"]


def test_numbers_in_messages_do_not_move_fingerprints(tmp_path: Path) -> None:
    files = {"src/long.py": long_module(), "src/other.py": other_module()}
    before = pylint_issues(Project.create(tmp_path / "before", files))
    rules = {issue["check_name"] for issue in before}
    assert {"pylint:C0302", "pylint:E0102", "pylint:R0801"} <= rules, rules
    shifted = Project.create(tmp_path / "after", files)
    path = shifted.root / "src" / "long.py"
    path.write_text("# one line inserted above everything\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
    after = pylint_issues(shifted)
    assert sorted(i["description"] for i in after) != sorted(i["description"] for i in before), "numbers moved"
    assert sorted(issue["fingerprint"] for issue in after) == sorted(issue["fingerprint"] for issue in before)
    assert len({issue["fingerprint"] for issue in after}) == len(after)


def duplicate_code(first: str, second: str, quoted: str = "    total = 0") -> ToolResult:
    """pylint's json2 message for one copied block, naming its two places in the order given, quoting lines."""
    message = {
        "type": "refactor",
        "symbol": "duplicate-code",
        "message": f"Similar lines in 2 files\n=={first}:[4:12]\n=={second}:[8:16]\n{quoted}",
        "messageId": "R0801",
        "line": 1,
        "column": 0,
        "path": f"src/{first}.py",
    }
    stdout = json.dumps({"messages": [message], "statistics": {"score": 9.5}})
    layout = Layout(source="src", config=".config", workdir="/project")
    outcome = CHECKS["pylint"].interpret(Execution(8, stdout, "", 1.0), layout)
    return ToolResult("pylint", outcome, 8, 0.0, 1.0)


def test_a_duplicate_reported_from_either_side_keeps_its_fingerprint() -> None:
    """pylint names the two places in either order from one run to the next (seen with a fixed hash seed too)."""
    one = codequality.entries([duplicate_code("a", "b")])[0]
    other = codequality.entries([duplicate_code("b", "a")])[0]
    assert one["location"]["path"] != other["location"]["path"]
    assert one["fingerprint"] == other["fingerprint"]


def test_a_duplicate_keeps_its_fingerprint_whatever_lines_it_quotes() -> None:
    """On click 8.5.1, a header inserted at the top of two files changed which of their similar lines pylint
    quoted: the places named are the finding, the quoted lines are pylint's choice of the moment."""
    one = codequality.entries([duplicate_code("a", "b", "    total = 0\n    return total")])[0]
    other = codequality.entries([duplicate_code("a", "b", "    return total")])[0]
    assert one["description"] != other["description"]
    assert one["fingerprint"] == other["fingerprint"]
    elsewhere = codequality.entries([duplicate_code("a", "c", "    return total")])[0]
    assert elsewhere["fingerprint"] != one["fingerprint"], "another pair of places is another finding"


def mypy_fingerprints(base: Path, source: str) -> dict[str, int]:
    """`report` on a project of this one module: each mypy finding's fingerprint, with its line."""
    project = Project.create(base, {"src/app.py": source})
    done = project.gate("report", "--output", "reports")
    assert "Traceback" not in done.stderr, done.stderr
    issues = json.loads((project.root / "reports" / "gl-code-quality-report.json").read_text(encoding="utf-8"))
    return {
        issue["fingerprint"]: issue["location"]["lines"]["begin"] for issue in issues if issue["engine_name"] == "mypy"
    }


def test_the_same_error_in_another_function_gets_another_fingerprint_and_a_moved_one_keeps_its_own(
    tmp_path: Path,
) -> None:
    """The merge request widget compares fingerprints: g fixed and the same error added to h is one fixed finding
    and one new, as the baseline counts them, not an unchanged one."""
    g = '"""Typed."""\n\n\ndef g() -> int:\n    """G."""\n    y: int = "a"\n    return y\n'
    h = '\n\ndef h() -> int:\n    """H."""\n    y: int = "a"\n    return y\n'
    before = mypy_fingerprints(tmp_path / "before", g)
    moved = mypy_fingerprints(tmp_path / "moved", g.replace('"""Typed."""\n', '"""Typed."""\n\nX = 1\n# Above g.\n'))
    assert list(before.values()) == [6] and list(moved.values()) == [9]
    assert moved.keys() == before.keys()
    elsewhere = mypy_fingerprints(tmp_path / "elsewhere", g.replace('y: int = "a"', "y: int = 1") + h)
    assert list(elsewhere.values()) == [12]
    assert not elsewhere.keys() & before.keys()
