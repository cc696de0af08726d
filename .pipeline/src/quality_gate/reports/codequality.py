"""GitLab Code Quality: one JSON array of findings, with fingerprints that survive unrelated edits."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Sequence
from typing import Any

from ..findings import Finding, ToolResult, identity
from .text import printable

# A finding in the project's baseline is kept, at the lowest severity: the merge request widget still lists what
# is new (by fingerprint, against the target branch), and the full report still shows every finding.
KNOWN_SEVERITY = "info"


def entries(results: Sequence[ToolResult]) -> list[dict[str, Any]]:
    """Every finding of every tool as a Code Quality issue."""
    issues = []
    for finding, hashed in fingerprinted(results):
        # Tools quote the source: a NUL, or a name that is not UTF-8 (a lone surrogate), must not break the file.
        tool, rule, path, message = (
            printable(text) for text in (finding.tool, finding.rule, finding.path, finding.message)
        )
        issues.append(
            {
                "type": "issue",
                "engine_name": tool,
                "check_name": f"{tool}:{rule}",
                "description": message,
                "categories": [finding.category],
                "severity": KNOWN_SEVERITY if finding.known else finding.severity,
                "fingerprint": hashed,
                "location": {"path": path, "lines": {"begin": finding.line}},
            }
        )
    return issues


def fingerprinted(results: Sequence[ToolResult]) -> list[tuple[Finding, str]]:
    """Every finding of every tool, by place, with its fingerprint: the one SARIF's partialFingerprints carry too.

    Identical findings are told apart by their rank in this order, so every report counts them the same way.
    """
    findings = sorted((f for result in results for f in result.findings), key=lambda f: (f.path, f.line, f.column))
    seen: Counter[tuple[str, ...]] = Counter()
    hashed = []
    for finding in findings:
        key = (*identity(finding), *finding.anchor)
        seen[key] += 1
        hashed.append((finding, fingerprint(key, seen[key])))
    return hashed


def fingerprint(key: tuple[str, ...], occurrence: int) -> str:
    """Stable across unrelated edits: what was found, where (file, definition, line's content; not the line's
    number), and which occurrence: the baseline's own key (baseline/file.py), so the same finding is new to both.

    Each part as the report writes it: a lone surrogate (a name that is not UTF-8) cannot be encoded to hash.
    """
    return hashlib.sha256("\x1f".join((*map(printable, key), str(occurrence))).encode()).hexdigest()


def render(results: Sequence[ToolResult]) -> str:
    """The report file's text (UTF-8, no byte-order mark)."""
    return json.dumps(entries(results), indent=2, ensure_ascii=False) + "\n"
