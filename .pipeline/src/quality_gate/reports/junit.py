"""JUnit XML: a test case per tool, and one per tool and file with findings, so GitLab lists each."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from itertools import groupby

from ..findings import ToolResult, Verdict
from .text import printable

SUITE = "quality-gate"


def render(results: Sequence[ToolResult]) -> str:
    """The XML document; failures carry the findings, errors the reason a tool could not run."""
    suites = ET.Element("testsuites", name=SUITE)
    for result in results:
        suite = ET.SubElement(suites, "testsuite", name=result.tool, time=f"{result.seconds:.3f}")
        _tool_case(suite, result)
        for path, group in groupby(sorted(result.findings), key=lambda f: f.path):
            findings = list(group)
            case = ET.SubElement(suite, "testcase", classname=result.tool, name=f"{result.tool}: {path}", time="0")
            text = "\n".join(f"{f.position}: {f.rule}: {f.message}" for f in findings)
            if result.verdict is Verdict.PASSED:  # messages the user's config lets pass (pylint fail-under)
                ET.SubElement(case, "system-out").text = text
                continue
            failure = ET.SubElement(case, "failure", message=f"{len(findings)} finding(s) in {path}", type=result.tool)
            failure.text = text
        cases = suite.findall("testcase")
        suite.set("tests", str(len(cases)))
        suite.set("failures", str(sum(case.find("failure") is not None for case in cases)))
        suite.set("errors", str(sum(case.find("error") is not None for case in cases)))
        suite.set("skipped", str(sum(case.find("skipped") is not None for case in cases)))
    _make_printable(suites)
    ET.indent(suites)
    return ET.tostring(suites, encoding="unicode", xml_declaration=True) + "\n"


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
