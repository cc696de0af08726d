"""pylint: json2 output, bit-flag exit codes, and the user's fail-under respected."""

from __future__ import annotations

from typing import Any

from ..execution import Execution, Layout
from ..findings import Finding, Listing, Verdict, count
from .base import Check, OutputError, load_json, position, relative
from .config import ini_lacks

FATAL = 1
USAGE_ERROR = 32
# Messages that say the configuration is wrong: the tool could not run as configured.
CONFIG_SYMBOLS = frozenset({"unrecognized-option", "bad-configuration-section", "config-parse-error"})
# Found over the whole run, between places whose order pylint does not keep from one run to the next:
# the same finding may be reported at either place, with its lines in either order.
UNORDERED = frozenset({"R0801"})


class Pylint(Check):
    """pylint with the gate's rcfile."""

    name = "pylint"
    module = "pylint"
    cache_variable = "PYLINTHOME"
    priority = 0  # the longest on any real tree, and one process: it gets a CPU first and keeps it
    config_file = ".pylintrc"
    suffixes = (".py",)  # pylint does not read stubs

    def arguments(self, layout: Layout) -> list[str]:
        # pylint's parser does not honour `--`: a source named like an option is made `./`-relative instead.
        source = f"./{layout.source}" if layout.source.startswith("-") else layout.source
        return ["--rcfile", self.config_path(layout), "--output-format=json2", "--recursive=y", source]

    def config_problem(self, text: str) -> str | None:
        return ini_lacks(text)  # pylint reads every section of its rcfile: [MAIN], [FORMAT], ...

    def classify(self, exit_code: int) -> Verdict:
        if exit_code & (FATAL | USAGE_ERROR):
            return Verdict.BROKEN
        return Verdict.PASSED if exit_code == 0 else Verdict.FAILED

    def parse(self, execution: Execution, layout: Layout) -> list[Finding]:
        return [_finding(message, layout) for message in _report(execution.stdout)["messages"]]

    def review(self, verdict: Verdict, findings: list[Finding], execution: Execution, layout: Layout) -> Verdict:
        if any(finding.message.endswith(tuple(f"({symbol})" for symbol in CONFIG_SYMBOLS)) for finding in findings):
            return Verdict.BROKEN
        return super().review(verdict, findings, execution, layout)

    def broken_reason(self, execution: Execution, findings: list[Finding], layout: Layout) -> str:
        serious = [f for f in findings if f.severity in {"fatal", "error"} and f.rule != "E0001"]
        if serious:
            return "; ".join(f"{position(f)}: {f.message}" for f in serious[:3])
        return super().broken_reason(execution, findings, layout)

    def render(self, findings: list[Finding], execution: Execution, layout: Layout) -> Listing:
        del layout
        score = _score(execution.stdout)
        rated = "" if score is None else f"Your code has been rated at {score:.2f}/10"
        return Listing(tuple(f"{position(f)}: {f.rule}: {f.message}" for f in findings), rated)

    def detail(self, verdict: Verdict, findings: list[Finding], execution: Execution) -> str:
        score = _score(execution.stdout)
        rated = "" if score is None else f", rated {score:.2f}/10"
        return f"{count(len(findings), 'finding')}{rated}"


def _report(stdout: str) -> dict[str, Any]:
    report = load_json(stdout)
    if not isinstance(report, dict) or not isinstance(report.get("messages"), list):
        raise OutputError("no 'messages' list in pylint's json2 report")
    return report


def _score(stdout: str) -> float | None:
    try:
        score = _report(stdout).get("statistics", {}).get("score")
    except OutputError:
        return None
    return float(score) if isinstance(score, int | float) else None


def _unordered(text: str) -> str:
    """The message's lines as a set: which place pylint names first, and the blank lines it keeps, vary."""
    return "\n".join(sorted({line.strip() for line in text.splitlines() if line.strip()}))


def _finding(message: dict[str, Any], layout: Layout) -> Finding:
    try:
        rule = str(message["messageId"])
        text = f"{message['message']} ({message['symbol']})"
        return Finding(
            path=relative(str(message["path"]), layout),
            line=int(message.get("line") or 1),
            column=int(message.get("column") or 0) + 1,
            tool="pylint",
            rule=rule,
            message=text,
            severity=str(message["type"]),
            identity=_unordered(str(message["message"])) if rule in UNORDERED else "",
        )
    except (KeyError, TypeError, ValueError) as error:
        raise OutputError(f"unexpected pylint message {message!r}: {error!r}") from None
