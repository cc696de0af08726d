"""SARIF 2.1.0: one run per tool, with its rules, for GitHub code scanning and any other SARIF reader.

The same findings as the Code Quality report, with the same fingerprints (as partialFingerprints), so that a
finding keeps its identity across commits in either place; a tool that could not run says so in its run.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from ..findings import Finding, ToolResult, Verdict
from .codequality import fingerprinted
from .text import printable

SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
# Paths are relative to the repository's root, named by this base; its absolute address is left out (SARIF
# allows it): it would differ from one machine to the next, and a checkout's root is where readers resolve it.
ROOT = "%SRCROOT%"
ROOT_DESCRIPTION = "The repository's root, where the gate ran: every path is relative to it."
# The Code Quality fingerprint, under a versioned name of its own: GitHub adds its own line hash beside it.
FINGERPRINT = "qualityGate/v1"
# GitLab's severities (each check sets them) in SARIF's levels.
LEVELS = {"blocker": "error", "critical": "error", "major": "warning", "minor": "note", "info": "note"}
# Columns as the tools give them: characters for ruff; pylint (and mypy) count a line's UTF-8 bytes as Python's
# parser does, which is the same on a line that is ASCII before the finding. SARIF wants one kind per run.
COLUMN_KIND = "unicodeCodePoints"


@dataclass(frozen=True)
class Driver:
    """What the report says of a tool besides its findings: the version that ran, where it is documented."""

    version: str = ""
    information_uri: str = ""


def render(results: Sequence[ToolResult], drivers: Mapping[str, Driver]) -> str:
    """The report file's text (UTF-8, no byte-order mark)."""
    return json.dumps(log(results, drivers), indent=2, ensure_ascii=False) + "\n"


def log(results: Sequence[ToolResult], drivers: Mapping[str, Driver]) -> dict[str, Any]:
    """The SARIF log: a run per tool, in the summary's order, each with the findings of its tool."""
    found: dict[str, list[tuple[Finding, str]]] = defaultdict(list)
    for finding, fingerprint in fingerprinted(results):  # fingerprints count identical findings across tools
        found[finding.tool].append((finding, fingerprint))
    runs = [_run(result, found[result.tool], drivers.get(result.tool, Driver())) for result in results]
    return {"$schema": SCHEMA, "version": "2.1.0", "runs": runs}


def _run(result: ToolResult, found: list[tuple[Finding, str]], driver: Driver) -> dict[str, Any]:
    """One tool's run. Its results hold every finding, also of a tool that could not run (as the other reports
    do); that tool's run says so, and its list may be empty: GitHub's upload wants a list in every run."""
    first: dict[str, Finding] = {}
    for finding, _ in found:
        first.setdefault(finding.rule, finding)  # what its tool tells of a rule is the same on each finding
    rules = [first[rule] for rule in sorted(first)]
    index = {rule: position for position, rule in enumerate(sorted(first))}
    reviewed = result.fixed is not None  # set against the project's baseline
    tool: dict[str, Any] = {"name": printable(result.tool)}
    if driver.version:
        tool["version"] = driver.version
    if driver.information_uri:
        tool["informationUri"] = driver.information_uri
    tool["rules"] = [_rule(finding) for finding in rules]
    return {
        "tool": {"driver": tool},
        "invocations": [_invocation(result)],
        "originalUriBaseIds": {ROOT: {"description": {"text": ROOT_DESCRIPTION}}},
        "columnKind": COLUMN_KIND,
        "results": [_result(finding, fingerprint, index[finding.rule], reviewed) for finding, fingerprint in found],
    }


def _rule(finding: Finding) -> dict[str, Any]:
    """The rule as its tool tells of it: its id, its name if it has one besides, and its documentation's page."""
    rule, name, tool = (printable(text) for text in (finding.rule, finding.rule_name, finding.tool))
    known_as = f"{rule} ({name})" if name else rule
    descriptor: dict[str, Any] = {"id": rule}
    if name:
        descriptor["name"] = name
    descriptor["shortDescription"] = {"text": name or rule}
    descriptor["fullDescription"] = {"text": f"{tool} rule {known_as}"}
    if finding.help_uri:
        descriptor["help"] = {"text": f"{tool} documents {known_as} at {finding.help_uri}"}
        descriptor["helpUri"] = finding.help_uri
    else:
        descriptor["help"] = {"text": f"{tool} rule {known_as}: see {tool}'s documentation"}
    return descriptor


def _result(finding: Finding, fingerprint: str, rule_index: int, reviewed: bool) -> dict[str, Any]:
    location = {"artifactLocation": {"uri": uri(finding.path), "uriBaseId": ROOT}, "region": region(finding)}
    entry: dict[str, Any] = {
        "ruleId": printable(finding.rule),
        "ruleIndex": rule_index,
        "level": LEVELS.get(finding.severity, "warning"),
        "message": {"text": printable(finding.message) or printable(finding.rule)},
        "locations": [{"physicalLocation": location}],
        "partialFingerprints": {FINGERPRINT: fingerprint},
    }
    if reviewed:
        entry["baselineState"] = "unchanged" if finding.known else "new"
    return entry


def region(finding: Finding) -> dict[str, int]:
    """Where the finding lies, 1-based; its column and end only where the tool gave them (mypy gives no column
    for an unused `type: ignore`: the whole line then), the end only where it does not come before the start."""
    place = {"startLine": finding.line}
    if finding.column >= 1:
        place["startColumn"] = finding.column
    if finding.end_line < finding.line:
        return place
    place["endLine"] = finding.end_line
    if finding.end_column and (finding.end_line > finding.line or finding.end_column >= finding.column):
        place["endColumn"] = finding.end_column
    return place


def uri(path: str) -> str:
    """A relative path as a URI reference: each byte that is not plain ASCII percent-encoded (a name that is not
    UTF-8 by its own bytes, as Python keeps them)."""
    try:
        raw = path.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a surrogate no file name comes from: shown as the other reports show it
        raw = printable(path).encode("utf-8")
    return quote(raw, safe="/")


def _invocation(result: ToolResult) -> dict[str, Any]:
    """Whether the tool ran to its end; if not, why, as a notification of the run (a tool status page shows it)."""
    ran = result.verdict in {Verdict.PASSED, Verdict.FAILED}
    invocation: dict[str, Any] = {"executionSuccessful": ran}
    if result.exit_code is not None:
        invocation["exitCode"] = result.exit_code
    if not ran:
        said = "\n\n".join(part for part in (result.outcome.headline, result.outcome.output.strip()) if part)
        level = "error" if result.verdict is Verdict.BROKEN else "warning"
        invocation["toolExecutionNotifications"] = [{"level": level, "message": {"text": printable(said)}}]
    return invocation
