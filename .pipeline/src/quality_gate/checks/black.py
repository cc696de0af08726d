"""black in check mode: it has no machine format, so its diff headers and status lines are read."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from ..commands import Execution, Layout, Tool
from ..findings import Finding, Listing, Verdict
from .base import (
    Check,
    Reading,
    Rewrite,
    UnreadableOutputError,
    exit_code_verdict,
    hidden_under,
    relative,
    unreadable,
    unrooted,
)
from .config import toml_lacks

# black's diff names each file twice, `--- PATH\tMTIME` then `+++ PATH\tNOW`, with times it formats itself.
# The path runs up to that tab and must be the same in both lines: a name holding a line break or a tab is
# still read whole, where the line-based "would reformat PATH" status lines would cut it. black writes each
# file's diff, headers included, with that file's own line ends (CRLF, or CR alone): a header starts the
# output or follows any line end, and its own line end is the file's.
TIMESTAMP = r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)?\+00:00"
DIFF_HEADER = re.compile(
    rf"(?<![^\r\n])--- (?P<path>(?s:.+?))\t{TIMESTAMP}(?P<newline>\r\n|\r|\n)\+\+\+ (?P=path)\t{TIMESTAMP}(?P=newline)"
)
HUNK = re.compile(r"^@@ -(?P<line>\d+).*\n(?P<context>(?: .*\n)*)", re.MULTILINE)
WOULD_REFORMAT = re.compile(r"^would reformat ", re.MULTILINE)
ERROR_LINE = re.compile(r"^error: .+$", re.MULTILINE)
# black warns about keys it does not know and goes on with its defaults for them: the config is not applied.
INVALID_KEYS = re.compile(r"^Invalid config keys detected: .+$", re.MULTILINE)
# Its one rule, the code style, as black documents it.
STYLE = "https://black.readthedocs.io/en/stable/the_black_code_style/current_style.html"


@dataclass(frozen=True)
class FileDiff:
    """One file black would reformat: its path as black printed it, and its part of the diff."""

    path: str
    text: str


@dataclass(frozen=True)
class Report:
    """black's output read: each file's diff, and what black said besides its "would reformat" lines."""

    diffs: list[FileDiff]
    rest: str


class Black(Check):
    """black --check --diff with the gate's black.toml: it reports, it never rewrites."""

    tool = Tool(
        "black",
        "black",
        "BLACK_CACHE_DIR",
        "black.toml",
        priority=3,
        workers_variable="BLACK_NUM_WORKERS",  # as many workers as CPUs it was given
        variables=("BLACK_",),
    )
    driver = "quality_gate.drivers.black"  # same arguments and output; unchanged files' answers reused
    homepage = "https://black.readthedocs.io/"
    shown_as = "black --check"
    rewrite = Rewrite(("--quiet",), frozenset({0}), order=1)  # last, so that its layout is final
    function = "format"

    def arguments(self, layout: Layout) -> list[str]:
        # --fast skips the safety checks (an AST comparison and a second formatting pass) that black runs only
        # on files it would change, to guard the rewrite; nothing is rewritten here, and a file it would change
        # fails either way: the verdict and the diff are the same, at about half black's CPU time on such trees.
        # --force-exclude: the config's own exclusions stay (extend-exclude is the one black.toml sets).
        hidden = f"--force-exclude={hidden_under(layout.source)}"
        return ["--check", "--diff", "--fast", "--config", self.config_path(layout), hidden, "--", layout.source]

    def config_problem(self, text: str) -> str | None:
        return toml_lacks(text, "tool", "black")

    def read(self, execution: Execution, layout: Layout) -> Reading:
        """Per file, black's status line and its diff; then black's other lines (totals, errors, warnings)."""
        verdict = exit_code_verdict(execution.exit_code)
        # A key black does not know in black.toml: it ran without part of the configuration.
        invalid_keys = INVALID_KEYS.findall(execution.stderr)
        errors = ERROR_LINE.findall(execution.stderr) or invalid_keys
        reason = unrooted(" | ".join(error.removeprefix("error: ") for error in errors[:3]), layout)
        try:
            report = _read(execution, layout)
        except UnreadableOutputError as error:
            return unreadable(verdict, error, reason)
        diffs = {relative(diff.path, layout): diff for diff in report.diffs}
        findings = sorted(_finding(path, diff.text) for path, diff in diffs.items())
        entries = tuple(
            unrooted(f"would reformat {diffs[f.path].path}\n{diffs[f.path].text}", layout) for f in findings
        )
        listing = Listing(entries, unrooted(report.rest, layout))
        return Reading(Verdict.BROKEN if invalid_keys else verdict, findings, listing, reason)


def _read(execution: Execution, layout: Layout) -> Report:
    """Each file's diff, cut at the file headers, matched whole to its "would reformat" line; the rest of stderr.

    A diff without its status line, or a status line without a diff, is output the gate cannot read: it says so
    rather than guess a file name.
    """
    diff = execution.stdout
    headers = list(DIFF_HEADER.finditer(diff))
    bounds = [header.start() for header in headers] + [len(diff)]
    diffs = [
        FileDiff(_lf(header["path"], header["newline"]), _lf(diff[header.start() : end], header["newline"]))
        for header, end in zip(headers, bounds[1:], strict=True)
    ]
    rest, unmatched = _without(execution.stderr, [f"would reformat {diff.path}" for diff in diffs])
    if unmatched:
        path = relative(unmatched[0].removeprefix("would reformat "), layout)
        raise UnreadableOutputError(f"the diff of {path!r} without its 'would reformat' line")
    stray = next((line for line in rest.split("\n") if WOULD_REFORMAT.match(line)), None)
    if stray:
        raise UnreadableOutputError(f"{unrooted(stray, layout)!r} without a diff")
    return Report(diffs, rest)


def _lf(text: str, newline: str) -> str:
    """A file's part of the diff with black's line ends for it back to `\\n`, as black made it before writing."""
    return text if newline == "\n" else text.replace(newline, "\n")


def _without(stderr: str, statuses: list[str]) -> tuple[str, list[str]]:
    """stderr without these status lines, each matched whole (a path may hold a line break); those not found."""
    wanted: dict[str, list[list[str]]] = defaultdict(list)
    for status in statuses:
        status_lines = status.split("\n")
        wanted[status_lines[0]].append(status_lines)
    lines = stderr.split("\n")
    kept: list[str] = []
    index = 0
    while index < len(lines):
        candidates = wanted.get(lines[index], [])
        found = next((c for c in candidates if lines[index : index + len(c)] == c), None)
        if found is None:
            kept.append(lines[index])
            index += 1
        else:
            candidates.remove(found)
            index += len(found)
    return "\n".join(kept), ["\n".join(left) for group in wanted.values() for left in group]


def _finding(path: str, diff: str) -> Finding:
    """One file black would reformat, at the first line it would change (its first hunk's start, after the
    unchanged context), as long as the lines its diff removes or adds."""
    hunk = HUNK.search(diff)
    first = max(1, int(hunk["line"]) + hunk["context"].count("\n")) if hunk else 1
    body = diff[hunk.start() :] if hunk else ""
    changed = max(1, sum(1 for line in body.split("\n") if line.startswith(("+", "-"))))
    return Finding(
        path,
        first,
        1,
        "black",
        "unformatted",
        "would reformat",
        "minor",
        "Style",
        fixable=True,
        extent=changed,
        help_uri=STYLE,
    )
