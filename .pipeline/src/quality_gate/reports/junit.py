"""JUnit XML: a test case per tool, and one per tool and file with findings, so GitLab lists each."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from itertools import groupby

from ..findings import Finding, ToolResult, Verdict
from .text import printable

SUITE = "quality-gate"


def render(results: Sequence[ToolResult]) -> str:
    """The XML document; failures carry the findings, errors the reason a tool could not run."""
    suites = ET.Element("testsuites", name=SUITE)
    for result in results:
        suite = ET.SubElement(suites, "testsuite", name=result.tool, time=f"{result.seconds:.3f}")
        _tool_case(suite, result)
        for path, group in groupby(sorted(result.findings), key=lambda f: f.path):
            _file_case(suite, result, path, list(group))
        cases = suite.findall("testcase")
        suite.set("tests", str(len(cases)))
        suite.set("failures", str(sum(case.find("failure") is not None for case in cases)))
        suite.set("errors", str(sum(case.find("error") is not None for case in cases)))
        suite.set("skipped", str(sum(case.find("skipped") is not None for case in cases)))
    _make_printable(suites)
    ET.indent(suites)
    return ET.tostring(suites, encoding="unicode", xml_declaration=True) + "\n"


def _file_case(suite: ET.Element, result: ToolResult, path: str, findings: list[Finding]) -> None:
    """One file of one tool: a failure listing its new findings, and as its output the findings that pass.

    Those are the ones in the project's baseline, or all of them when the user's config lets the tool pass
    (pylint's fail-under).
    """
    case = ET.SubElement(suite, "testcase", classname=result.tool, name=f"{result.tool}: {path}", time="0")
    passed = result.verdict is Verdict.PASSED
    failing = [] if passed else [f for f in findings if not f.known]
    passing = findings if passed else [f for f in findings if f.known]
    if failing:
        failure = ET.SubElement(case, "failure", message=f"{len(failing)} finding(s) in {path}", type=result.tool)
        failure.text = _lines(failing)
    if passing:
        ET.SubElement(case, "system-out").text = ("in the baseline:\n" if failing else "") + _lines(passing)


def _lines(findings: list[Finding]) -> str:
    return "\n".join(f"{f.position}: {f.rule}: {f.message}" for f in findings)


def _make_printable(root: ET.Element) -> None:
    """Every attribute and text without the characters XML 1.0 forbids: the file must parse whatever tools said."""
    for element in root.iter():
        element.text = printable(element.text) if element.text else element.text
        for name, value in element.attrib.items():
            element.set(name, printable(value))


def _tool_case(suite: ET.Element, result: ToolResult) -> None:
    """The tool as a whole: passed, could not run (error), or cancelled (skipped)."""
    case = ET.SubElement(suite, "testcase", classname=result.tool, name=result.tool, time=f"{result.seconds:.3f}")
    if result.verdict is Verdict.BROKEN:
        error = ET.SubElement(case, "error", message=result.outcome.headline, type="could-not-run")
        error.text = result.outcome.output
    elif result.verdict is Verdict.CANCELLED:
        ET.SubElement(case, "skipped", message=result.outcome.headline)
