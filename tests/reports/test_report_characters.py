"""Reports stay well-formed whatever the tools quote: a NUL byte from the source, a file name that is not UTF-8."""

# Test names say what each test proves.
# pylint: disable=missing-function-docstring

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import xmlschema
from helpers.gate import Project
from helpers.sarif import validated

SCHEMA = xmlschema.XMLSchema(str(Path(__file__).with_name("junit.xsd")))
DOC = '"""Doc."""\n\n'


def written(root: Path) -> tuple[ET.Element, list[dict[str, Any]], str]:
    """junit.xml parsed by the standard XML parser (and validated), the Code Quality array, summary.txt."""
    out = root / "reports"
    junit = ET.parse(out / "junit.xml").getroot()  # raises on a document that is not well-formed
    SCHEMA.validate(str(out / "junit.xml"))
    issues: list[dict[str, Any]] = json.loads((out / "gl-code-quality-report.json").read_bytes())
    return junit, issues, (out / "summary.txt").read_text(encoding="utf-8")


def texts(element: ET.Element) -> str:
    """Every text and attribute value of the document, in one string."""
    return "\n".join([*(e.text or "" for e in element.iter()), *(v for e in element.iter() for v in e.attrib.values())])


def test_a_nul_byte_in_the_source_keeps_both_reports_valid(tmp_path: Path) -> None:
    files = {"src/code.py": DOC + "X = 1\x00\n", "src/comment.py": DOC + "# note\x00\nY = 2\n"}
    project = Project.create(tmp_path, files)
    done = project.gate("report", "--output", "reports")
    assert done.returncode == 2, done  # black and mypy cannot parse code.py
    assert "Traceback" not in done.stderr
    junit, issues, summary = written(project.root)
    assert "\\x00" in texts(junit), "the NUL black and mypy quote is shown as an escape"
    assert not any("\x00" in issue["description"] for issue in issues)
    assert {"mypy:syntax", "ruff:invalid-syntax"} <= {issue["check_name"] for issue in issues}
    assert "\x00" not in summary and "\x00" not in done.stdout
    sarif = (project.root / "reports" / "quality-gate.sarif").read_text(encoding="utf-8")
    validated(project.root / "reports" / "quality-gate.sarif")
    assert "\\\\x00" in sarif and "\\u0000" not in sarif, "the escape as the other reports show it, not a NUL"


def test_a_file_name_that_is_not_utf8_keeps_both_reports_valid(tmp_path: Path) -> None:
    name = os.fsdecode(b"src/b\xff.py")  # the byte 0xff, as Python keeps it: a lone surrogate
    project = Project.create(tmp_path, {name: "x=1\n", "src/fine.py": DOC + "Y = 2\n"})
    done = project.gate("report", "--output", "reports")
    assert done.returncode in {1, 2}, done
    assert "Traceback" not in done.stderr
    junit, issues, summary = written(project.root)
    pylint_paths = {issue["location"]["path"] for issue in issues if issue["engine_name"] == "pylint"}
    assert pylint_paths == {"src/b\\xff.py"}, "the name's byte is written as an escape"
    assert "src/b\\xff.py" in texts(junit)
    assert "src/b\\xff.py" in summary
    log = validated(project.root / "reports" / "quality-gate.sarif")
    uris = {
        result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for run in log["runs"]
        if run["tool"]["driver"]["name"] == "pylint"
        for result in run["results"]
    }
    assert uris == {"src/b%FF.py"}, "the name's byte, percent-encoded: the file's own name as a URI"
