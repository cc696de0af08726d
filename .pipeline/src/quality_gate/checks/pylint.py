"""pylint: json2 output, bit-flag exit codes, and the user's fail-under respected."""

from __future__ import annotations

import configparser
import contextlib
import posixpath
import re
from pathlib import Path
from typing import Any

from ..commands import Execution, Layout, Tool
from ..drivers.pylint import NOTE_PREFIX
from ..findings import Finding, Listing, Verdict, count
from .base import Check, Reading, UnreadableOutputError, load_json, path_pattern, relative, unreadable
from .config import ini_lacks

FATAL = 1
USAGE_ERROR = 32
# Messages that say the configuration is wrong: the tool could not run as configured.
CONFIG_SYMBOLS = ("unrecognized-option", "bad-configuration-section", "config-parse-error")
CONFIG_ENDINGS = tuple(f"({symbol})" for symbol in CONFIG_SYMBOLS)  # how such a message ends
# Found over the whole run, between places whose order pylint does not keep from one run to the next:
# the same finding may be reported at either place, quoting either place's lines, in either order.
UNORDERED = frozenset({"R0801"})
# Messages about a module as a whole, reported on its first line (or its last) whatever that line holds: missing
# docstring, too many lines, no final newline, an import cycle, duplicate code. invalid-name about the module's
# own name is one too: pylint gives it no end position, unlike invalid-name about a name in the code.
WHOLE_MODULE = frozenset({"C0114", "C0302", "C0304", "R0401", "R0801"})
MODULE_NAME = "C0103"


# pylint's message types in GitLab's severities; a syntax error blocks whatever its type.
SEVERITY = {
    "fatal": "blocker",
    "error": "critical",
    "warning": "major",
    "refactor": "minor",
    "convention": "minor",
    "info": "info",
}
CATEGORY = {"convention": "Style", "refactor": "Complexity"}
SYNTAX_ERROR = "E0001"
# Each message has a page of pylint's documentation, filed under its type (`info` under `information`).
HELP = "https://pylint.readthedocs.io/en/stable/user_guide/messages/{folder}/{symbol}.html"
HELP_FOLDER = {"info": "information"}


class Pylint(Check):
    """pylint with the gate's rcfile."""

    tool = Tool(
        "pylint",
        "pylint",
        "PYLINTHOME",
        ".pylintrc",
        priority=0,  # the longest on any real tree, and one process: it gets a CPU first and keeps it
        variables=("PYLINT",),
    )
    homepage = "https://pylint.readthedocs.io/"
    driver = "quality_gate.drivers.pylint"  # same arguments, same json2 and exit code; unchanged modules reused
    function = "lint"
    suffixes = (".py",)  # pylint does not read stubs

    def arguments(self, layout: Layout) -> list[str]:
        # pylint's parser does not honour `--`: a source named like an option is made `./`-relative instead.
        source = f"./{layout.source}" if layout.source.startswith("-") else layout.source
        ignored = [f"--ignore-paths={_ignore_paths(layout)}"] if layout.ignored else []
        # The rcfile's ignore-patterns (^\.) leave out hidden names, which pylint also tests on the source's own
        # name: a hidden source is then checked with its name let through, where pylint would check nothing.
        name = posixpath.basename(layout.source)
        if name.startswith(".") and name != ".":
            ignored.append(f"--ignore-patterns=^[.](?!{re.escape(name[1:])}$)")
        return ["--rcfile", self.config_path(layout), "--output-format=json2", "--recursive=y", *ignored, source]

    def config_problem(self, text: str) -> str | None:
        return ini_lacks(text)  # pylint reads every section of its rcfile: [MAIN], [FORMAT], ...

    def read(self, execution: Execution, layout: Layout) -> Reading:
        code = execution.exit_code
        verdict = Verdict.BROKEN if code & (FATAL | USAGE_ERROR) else Verdict.PASSED if code == 0 else Verdict.FAILED
        try:
            report = _report(execution.stdout)
            findings = [_finding(message, layout) for message in report["messages"]]
        except UnreadableOutputError as error:
            return unreadable(verdict, error, "")
        findings.sort()
        wrong_config = [f for f in findings if f.message.endswith(CONFIG_ENDINGS)]
        serious = wrong_config or [
            f for f in findings if f.severity in {"critical", "blocker"} and f.rule != SYNTAX_ERROR
        ]
        reason = "; ".join(f"{f.position}: {f.message}" for f in serious[:3])
        score = _score(report)
        rated = "" if score is None else f"Your code has been rated at {score:.2f}/10"
        listing = Listing(tuple(f"{f.position}: {f.rule}: {f.message}" for f in findings), rated)
        detail = count(len(findings), "finding") + ("" if score is None else f", rated {score:.2f}/10")
        detail += "".join(f"; {note}" for note in _driver_notes(execution.stderr))
        return Reading(Verdict.BROKEN if wrong_config else verdict, findings, listing, reason, detail)


def _ignore_paths(layout: Layout) -> str:
    """The paths git ignores, after the rcfile's own ignore-paths: one given on the command line replaces those.

    Only the local runner has such paths (Dagger's workspace holds no ignored file), and it reads the rcfile here
    as pylint does: any section, the lines of a value joined.
    """
    parser = configparser.ConfigParser(inline_comment_prefixes=("#", ";"), interpolation=None)
    with contextlib.suppress(OSError, configparser.Error):
        parser.read(Path(layout.workdir, Pylint.tool.config_in(layout)), encoding="utf-8")
    own = [parser[section]["ignore-paths"].replace("\n", "") for section in parser if "ignore-paths" in parser[section]]
    return ",".join([*own[-1:], path_pattern(layout.ignored)])


def _report(stdout: str) -> dict[str, Any]:
    report = load_json(stdout)
    if not isinstance(report, dict) or not isinstance(report.get("messages"), list):
        raise UnreadableOutputError("no 'messages' list in pylint's json2 report")
    if not isinstance(report.get("statistics", {}), dict):
        raise UnreadableOutputError("pylint's json2 'statistics' is not an object")
    return report


def _driver_notes(stderr: str) -> list[str]:
    """What the incremental driver tells the user (a tree too big for it): shown in the summary, not only the log."""
    return [line.removeprefix(NOTE_PREFIX) for line in stderr.splitlines() if line.startswith(NOTE_PREFIX)]


def _score(report: dict[str, Any]) -> float | None:
    statistics = report.get("statistics")
    score = statistics.get("score") if isinstance(statistics, dict) else None
    return float(score) if isinstance(score, int | float) else None


def _unordered(text: str) -> str:
    """The places the message names (`==module:[start:end]`), as a set; without any, all its lines as a set.

    Which place pylint names first varies, and so do the lines it quotes: either place's copy, and, after
    an edit elsewhere in either file (a header inserted at the top, on click), more or fewer of them.
    """
    lines = {line.strip() for line in text.splitlines() if line.strip()}
    places = {line for line in lines if line.startswith("==")}
    return "\n".join(sorted(places or lines))


def _finding(message: dict[str, Any], layout: Layout) -> Finding:
    try:
        rule, symbol, kind = str(message["messageId"]), str(message["symbol"]), str(message["type"])
        text = f"{message['message']} ({symbol})"
        line = int(message.get("line") or 1)
        return Finding(
            path=relative(str(message["path"]), layout),
            line=line,
            column=int(message.get("column") or 0) + 1,
            tool="pylint",
            rule=rule,
            message=text,
            severity="blocker" if rule == SYNTAX_ERROR else SEVERITY.get(kind, "major"),
            category=CATEGORY.get(kind, "Bug Risk"),
            identity=_unordered(str(message["message"])) if rule in UNORDERED else "",
            whole_module=rule in WHOLE_MODULE or (rule == MODULE_NAME and message.get("endLine") is None),
            # pylint's columns are 0-based, its end column just after the end, like its start's.
            end_line=int(message.get("endLine") or 0),
            end_column=int(message["endColumn"]) + 1 if message.get("endColumn") is not None else 0,
            rule_name=symbol,
            help_uri=HELP.format(folder=HELP_FOLDER.get(kind, kind), symbol=symbol),
        )
    except (KeyError, TypeError, ValueError) as error:
        raise UnreadableOutputError(f"unexpected pylint message {message!r}: {error!r}") from None
