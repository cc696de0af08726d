"""The SARIF report from the four tools: valid against the official 2.1.0 schema, the Code Quality findings."""

# Test names say what each test proves.
# pylint: disable=missing-function-docstring

from __future__ import annotations

import hashlib
import json
import shutil
from collections import Counter
from pathlib import Path
from typing import Any

from helpers.gate import Project
from helpers.paths import CONFIG, FIXTURES, TOOLS
from helpers.sarif import SCHEMA_ID, SCHEMA_SHA256, run_of, schema_bytes, validated
from quality_gate.baseline.file import FILE_NAME as BASELINE_FILE
from quality_gate.findings import Finding
from quality_gate.local.tools_env import pinned
from quality_gate.reports import sarif


def reports(project: Project) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """`report` on the project: the SARIF log (validated) and the Code Quality array."""
    done = project.gate("report", "--output", "reports")
    assert "Traceback" not in done.stderr, done.stderr
    assert "quality-gate.sarif" in done.stdout.splitlines()[-1], "named among the reports written"
    out = project.root / "reports"
    issues: list[dict[str, Any]] = json.loads((out / "gl-code-quality-report.json").read_text(encoding="utf-8"))
    return validated(out / "quality-gate.sarif"), issues


def results(log: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """Every result, with the tool of its run."""
    return [(run["tool"]["driver"]["name"], result) for run in log["runs"] for result in run["results"]]


def place(result: dict[str, Any]) -> tuple[str, int]:
    location = result["locations"][0]["physicalLocation"]
    return location["artifactLocation"]["uri"], location["region"]["startLine"]


def test_the_schema_is_the_official_one_byte_for_byte() -> None:
    raw = schema_bytes()
    assert hashlib.sha256(raw).hexdigest() == SCHEMA_SHA256
    assert json.loads(raw)["id"] == SCHEMA_ID


def test_sarif_validates_and_holds_exactly_the_code_quality_findings(planted_once: Project) -> None:
    log, issues = reports(planted_once)
    assert log["version"] == "2.1.0" and log["$schema"] == SCHEMA_ID
    assert [run["tool"]["driver"]["name"] for run in log["runs"]] == list(TOOLS), "one run per tool, in order"
    ours = Counter(
        (tool, result["ruleId"], *place(result), result["partialFingerprints"][sarif.FINGERPRINT])
        for tool, result in results(log)
    )
    theirs = Counter(
        (
            issue["engine_name"],
            issue["check_name"].split(":", 1)[1],
            issue["location"]["path"],
            issue["location"]["lines"]["begin"],
            issue["fingerprint"],
        )
        for issue in issues
    )
    assert ours == theirs, "the same findings, at the same places, with the Code Quality fingerprints"
    assert all(Counter(tool for tool, _ in results(log))[tool] > 0 for tool in TOOLS)
    for run in log["runs"]:
        assert run["invocations"] == [{"executionSuccessful": True, "exitCode": run["invocations"][0]["exitCode"]}]
        assert run["originalUriBaseIds"].keys() == {sarif.ROOT}
        assert "uri" not in run["originalUriBaseIds"][sarif.ROOT], "no machine's absolute path"
        for result in run["results"]:
            assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uriBaseId"] == sarif.ROOT
            assert "baselineState" not in result, "no baseline committed: nothing to compare with"


def test_each_run_names_its_tool_version_and_the_rules_as_the_tool_tells_them(planted_once: Project) -> None:
    log, _ = reports(planted_once)
    pins = pinned((CONFIG / "requirements.txt").read_text(encoding="utf-8"))
    for tool in TOOLS:
        driver = run_of(log, tool)["tool"]["driver"]
        assert driver["version"] == pins[tool], "the version that ran: the pin, in the tests' environment"
        assert driver["informationUri"].startswith("https://")
        rules = driver["rules"]
        assert [rule["id"] for rule in rules] == sorted({rule["id"] for rule in rules})
        for result in run_of(log, tool)["results"]:
            assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
    rule = {(tool, r["id"]): r for tool in TOOLS for r in run_of(log, tool)["tool"]["driver"]["rules"]}
    unused = rule["pylint", "W0611"]
    assert (unused["name"], unused["shortDescription"]["text"]) == ("unused-import", "unused-import")
    assert unused["helpUri"] == "https://pylint.readthedocs.io/en/stable/user_guide/messages/warning/unused-import.html"
    assert unused["fullDescription"]["text"] == "pylint rule W0611 (unused-import)"
    assert unused["helpUri"] in unused["help"]["text"]
    assert rule["ruff", "F401"]["name"] == "unused-import", "from the url ruff gives"
    assert rule["ruff", "F401"]["helpUri"] == "https://docs.astral.sh/ruff/rules/unused-import"
    untyped = rule["mypy", "no-untyped-def"]
    assert "name" not in untyped, "mypy's code is its name"
    assert untyped["helpUri"] == "https://mypy.rtfd.io/en/stable/_refs.html#code-no-untyped-def"
    assert rule["black", "unformatted"]["helpUri"].endswith("/the_black_code_style/current_style.html")


def test_levels_follow_the_severities_and_regions_the_tools_positions(planted_once: Project) -> None:
    log, issues = reports(planted_once)
    severity = {issue["fingerprint"]: issue["severity"] for issue in issues}
    for _, result in results(log):
        assert result["level"] == sarif.LEVELS[severity[result["partialFingerprints"][sarif.FINGERPRINT]]]
    assert {result["level"] for _, result in results(log)} == {"warning", "note"}
    # `import sys` on line 3 of app.py, as pylint and ruff delimit it (ruff the name alone).
    by_rule = {(tool, result["ruleId"], place(result)[1]): result for tool, result in results(log)}
    pylint_region = by_rule["pylint", "W0611", 3]["locations"][0]["physicalLocation"]["region"]
    assert pylint_region == {"startLine": 3, "startColumn": 1, "endLine": 3, "endColumn": 11}
    ruff_region = by_rule["ruff", "F401", 3]["locations"][0]["physicalLocation"]["region"]
    assert ruff_region == {"startLine": 3, "startColumn": 8, "endLine": 3, "endColumn": 11}
    black = by_rule["black", "unformatted", 10]["locations"][0]["physicalLocation"]["region"]
    assert black == {"startLine": 10, "startColumn": 1}, "black's diff has a first line, no column or end"


def places(log: dict[str, Any]) -> dict[str, tuple[str, int]]:
    """Each result's place, by its fingerprint."""
    return {result["partialFingerprints"][sarif.FINGERPRINT]: place(result) for _, result in results(log)}


def test_fingerprints_survive_a_blank_line_inserted_above(planted: Project) -> None:
    before = places(reports(planted)[0])
    app = planted.root / "src" / "app.py"
    lines = app.read_text(encoding="utf-8").splitlines(keepends=True)
    insert_at = lines.index("def shout(text):\n")
    app.write_text("".join([*lines[:insert_at], "\n", *lines[insert_at:]]), encoding="utf-8")
    after = places(reports(planted)[0])
    assert before.keys() == after.keys()
    moved = [key for key, (_, line) in before.items() if line > insert_at + 1]
    assert moved and all(after[key][1] == before[key][1] + 1 for key in moved)


def test_with_a_committed_baseline_known_findings_are_unchanged_and_new_ones_new(planted: Project) -> None:
    recorded = planted.gate("baseline")
    assert (planted.root / ".config" / BASELINE_FILE).is_file(), recorded
    app = planted.root / "src" / "app.py"
    text = app.read_text(encoding="utf-8") + "\n\nimport json\n"
    app.write_text(text, encoding="utf-8")
    log, issues = reports(planted)
    states = Counter(result["baselineState"] for _, result in results(log))
    new = [(tool, result) for tool, result in results(log) if result["baselineState"] == "new"]
    assert new and all(place(result)[1] == text.count("\n") for _, result in new), "the new line's alone"
    assert {tool for tool, _ in new} >= {"pylint", "ruff"}
    known = sum(issue["severity"] == "info" for issue in issues)  # Code Quality keeps known findings at info
    assert states == {"unchanged": known, "new": len(issues) - known}


def test_a_tool_that_could_not_run_says_so_in_its_run_and_the_others_report_as_usual(tmp_path: Path) -> None:
    project = Project.create(tmp_path, {"src/app.py": '"""App."""\n\nimport os\n'})
    shutil.copy(FIXTURES / "bad_config" / "ruff_unknown_rule" / "pyproject.toml", project.root / ".config")
    done = project.gate("report", "--output", "reports")
    assert done.returncode == 2, done.stdout
    log = validated(project.root / "reports" / "quality-gate.sarif")
    ruff = run_of(log, "ruff")
    [invocation] = ruff["invocations"]
    assert invocation["executionSuccessful"] is False and invocation["exitCode"] == 2
    [notification] = invocation["toolExecutionNotifications"]
    assert notification["level"] == "error"
    assert notification["message"]["text"].startswith("ruff could not run: ")
    assert "XYZ999" in notification["message"]["text"], "what ruff said, as in junit.xml's error"
    assert ruff["results"] == [], "a list all the same: GitHub's upload refuses a run without one"
    pylint = run_of(log, "pylint")
    assert pylint["invocations"][0]["executionSuccessful"] is True
    assert [result["ruleId"] for result in pylint["results"]] == ["W0611"]


def test_a_finding_without_a_column_spans_its_line(tmp_path: Path) -> None:
    """mypy gives an unused `type: ignore` no column (-1): 0 in the gate's positions, which SARIF cannot hold."""
    project = Project.create(tmp_path, {"src/app.py": '"""App."""\n\nVALUE = 1  # type: ignore\n'})
    log, _ = reports(project)
    [result] = run_of(log, "mypy")["results"]
    assert result["ruleId"] == "unused-ignore"
    assert result["locations"][0]["physicalLocation"]["region"] == {"startLine": 3, "endLine": 3}


def finding(**changes: Any) -> Finding:
    fields: dict[str, Any] = {"path": "src/a.py", "line": 5, "column": 3, "tool": "t", "rule": "R1"}
    fields |= {"message": "m", "severity": "major", **changes}
    return Finding(**fields)


def test_a_region_keeps_an_end_only_where_it_does_not_come_before_the_start() -> None:
    assert sarif.region(finding()) == {"startLine": 5, "startColumn": 3}
    assert sarif.region(finding(end_line=5, end_column=9)) == {
        "startLine": 5,
        "startColumn": 3,
        "endLine": 5,
        "endColumn": 9,
    }
    assert sarif.region(finding(end_line=7, end_column=1))["endColumn"] == 1, "on a later line any column"
    assert sarif.region(finding(end_line=5, end_column=2)) == {"startLine": 5, "startColumn": 3, "endLine": 5}
    assert sarif.region(finding(end_line=4, end_column=9)) == {"startLine": 5, "startColumn": 3}
    assert sarif.region(finding(column=0, end_line=5)) == {"startLine": 5, "endLine": 5}, "no column: the line"


def test_paths_become_uri_references_by_their_bytes() -> None:
    assert sarif.uri("src/my module.py") == "src/my%20module.py"
    assert sarif.uri("src/é#1.py") == "src/%C3%A9%231.py"
    assert sarif.uri("src/b\udcff.py") == "src/b%FF.py", "a name that is not UTF-8, by its byte"
