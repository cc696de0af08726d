"""Code Quality and JUnit reports from the four tools, checked against the tools' own counts."""

# Test names say what each test proves.
# pylint: disable=missing-function-docstring

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import xmlschema
from helpers.gate import Project
from helpers.paths import TOOLS

SEVERITIES = {"info", "minor", "major", "critical", "blocker"}
SCHEMA = xmlschema.XMLSchema(str(Path(__file__).with_name("junit.xsd")))


_reported: dict[Path, tuple[list[dict[str, Any]], Path]] = {}


def report(project: Project, fresh: bool = True) -> tuple[list[dict[str, Any]], Path]:
    """Run `report` on the project (once per project unless fresh) and read the Code Quality file."""
    if not fresh and project.root in _reported:
        return _reported[project.root]
    done = project.gate("report", "--output", "reports")
    assert "Traceback" not in done.stderr
    out = project.root / "reports"
    raw = (out / "gl-code-quality-report.json").read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf"), "no byte-order mark"
    issues: list[dict[str, Any]] = json.loads(raw)
    _reported[project.root] = (issues, out)
    return issues, out


def junit_data(document: Path) -> dict[str, Any]:
    """The JUnit document validated against the schema, as nested dicts."""
    SCHEMA.validate(str(document))
    data: dict[str, Any] = SCHEMA.to_dict(str(document))  # type: ignore[assignment]
    return data


def own_counts(project: Project) -> Counter[str]:
    """How many findings each tool reports when called directly, in its own text format."""
    pylint = project.tool("pylint", "--rcfile", ".config/.pylintrc", "--output-format=parseable", "src")
    mypy = project.tool("mypy", "--config-file", ".config/mypy.ini", "src")
    ruff = project.tool("ruff", "check", "--config", ".config/pyproject.toml", "--output-format=concise", "src")
    black = project.tool("black", "--check", "--config", ".config/black.toml", "src")
    return Counter(
        {
            "pylint": len(re.findall(r"^src/\S+:\d+: \[", pylint.stdout, re.MULTILINE)),
            "mypy": len(re.findall(r"^src/\S+:\d+: error:", mypy.stdout, re.MULTILINE)),
            "ruff": len(re.findall(r"^src/\S+:\d+:\d+: ", ruff.stdout, re.MULTILINE)),
            "black": len(re.findall(r"^would reformat ", black.stderr, re.MULTILINE)),
        }
    )


def test_report_holds_exactly_the_findings_of_the_four_tools(planted_once: Project) -> None:
    issues, _ = report(planted_once, fresh=False)
    ours = Counter(issue["check_name"].split(":", 1)[0] for issue in issues)
    own = own_counts(planted_once)
    assert all(own[tool] > 0 for tool in ("pylint", "mypy", "ruff", "black")), own
    assert ours == own


def test_every_entry_has_the_fields_gitlab_requires(planted_once: Project) -> None:
    issues, _ = report(planted_once, fresh=False)
    assert issues
    for issue in issues:
        assert issue["description"] and issue["check_name"] and issue["fingerprint"]
        assert issue["severity"] in SEVERITIES
        assert re.fullmatch(r"(pylint|mypy|ruff|black):\S+", issue["check_name"])
        assert issue["location"]["path"].startswith("src/")
        assert not Path(issue["location"]["path"]).is_absolute()
        assert isinstance(issue["location"]["lines"]["begin"], int) and issue["location"]["lines"]["begin"] >= 1
    assert len({issue["fingerprint"] for issue in issues}) == len(issues), "fingerprints are unique"


def test_check_names_carry_the_tools_rule_ids(planted_once: Project) -> None:
    names = {issue["check_name"] for issue in report(planted_once, fresh=False)[0]}
    assert {"pylint:W0611", "mypy:no-untyped-def", "mypy:return-value", "ruff:F401", "black:unformatted"} <= names


def test_fingerprints_survive_a_blank_line_inserted_above(planted: Project) -> None:
    before, _ = report(planted)
    app = planted.root / "src" / "app.py"
    lines = app.read_text(encoding="utf-8").splitlines(keepends=True)
    insert_at = lines.index("def shout(text):\n")
    app.write_text("".join([*lines[:insert_at], "\n", *lines[insert_at:]]), encoding="utf-8")
    after, _ = report(planted)
    key = "fingerprint"
    assert {i[key] for i in before} == {i[key] for i in after}
    moved = {i[key]: i["location"]["lines"]["begin"] for i in after}
    shifted = [i for i in before if i["location"]["lines"]["begin"] > insert_at + 1]
    assert shifted and all(moved[i[key]] == i["location"]["lines"]["begin"] + 1 for i in shifted)


def test_junit_validates_has_one_case_per_tool_and_file_and_no_duplicates(planted_once: Project) -> None:
    _, out = report(planted_once, fresh=False)
    data = junit_data(out / "junit.xml")
    cases = [case for suite in data["testsuite"] for case in suite.get("testcase", [])]
    names = [case["@name"] for case in cases]
    assert len(names) == len(set(names))
    assert {"pylint", "black", "mypy", "ruff", "pylint: src/app.py", "mypy: src/app.py"} <= set(names)
    failures = {case["@name"]: case["failure"] for case in cases if "failure" in case}
    assert "src/app.py" in failures["ruff: src/app.py"]["$"] and "F401" in failures["ruff: src/app.py"]["$"]


def test_clean_tree_gives_an_empty_array_and_a_passing_suite(clean: Project) -> None:
    issues, out = report(clean)
    assert issues == []
    data = junit_data(out / "junit.xml")
    assert [suite["@name"] for suite in data["testsuite"]] == list(TOOLS)
    assert all(suite["@failures"] == 0 and suite["@errors"] == 0 for suite in data["testsuite"])
    summary = (out / "summary.txt").read_text(encoding="utf-8")
    assert summary.rstrip().endswith("gate passed: pylint, black, mypy, ruff passed")


def test_report_exits_with_the_gates_verdict(planted: Project, clean: Project) -> None:
    assert planted.gate("report", "--output", "reports").returncode == 1
    assert clean.gate("report", "--output", "reports").returncode == 0
