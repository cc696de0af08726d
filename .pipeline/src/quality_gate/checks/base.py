"""What every check shares: turning an execution into a verdict, findings and readable output."""

from __future__ import annotations

import json
import posixpath
import re
from abc import ABC, abstractmethod
from dataclasses import dataclass, replace

from ..commands import PYTHON_SUFFIXES, Command, Execution, Layout, Tool
from ..errors import QualityGateError
from ..findings import Finding, Listing, Outcome, Verdict, count, joined

# What black and ruff say when their file discovery (excludes, .gitignore) left nothing to check.
NO_FILES = re.compile(r"No Python files (are present|found)")


class UnreadableOutputError(QualityGateError):
    """The tool's machine-readable output could not be read."""


@dataclass(frozen=True)
class Reading:
    """One execution read once by its check: the verdict, findings and text, and why it may not have run."""

    verdict: Verdict  # what the tool's exit code and its own messages say
    findings: list[Finding]
    listing: Listing  # the findings in the tool's familiar text form, and what it said besides
    reason: str  # why it could not run, should the verdict be that (or findings be missing)
    detail: str = ""  # the end of the headline when it ran; by default the number of findings
    unreadable: str | None = None  # why its machine-readable output could not be read


@dataclass(frozen=True)
class Rewrite:
    """How a tool rewrites the source in the explicit fix (fix/fixers.py), when it can."""

    mode: tuple[str, ...]  # its arguments before `--config FILE -- SOURCE`
    done: frozenset[int]  # the exit codes that mean it did its job
    order: int  # the fixers run in this order, lowest first


class Check(ABC):
    """One tool: its command line, what its exit codes and output mean."""

    tool: Tool
    function: str  # the gate's function that runs it alone: `make lint`, `dagger call lint`
    suffixes: tuple[str, ...] = PYTHON_SUFFIXES  # the files it checks: given none of them, it cannot run
    driver: str | None = None  # this package's module that runs the tool incrementally, if it has one
    homepage: str = ""  # where the tool is documented, for the reports that name it (SARIF's informationUri)
    shown_as: str = ""  # how the make targets' help and the hooks name its run, when not by its name
    rewrite: Rewrite | None = None  # how `fix` has it rewrite the source, if it can

    @property
    def title(self) -> str:
        """The tool's run as people know it: `black --check`, `mypy`."""
        return self.shown_as or self.name

    @property
    def name(self) -> str:
        """The tool's name, as findings, summaries and reports show it."""
        return self.tool.name

    def command(self, layout: Layout, incremental: bool = False) -> Command:
        """The invocation for this layout, the same under every runner (incremental: through the tool's driver)."""
        return Command(self.tool, tuple(self.arguments(layout)), self.driver if incremental else None)

    def config_path(self, layout: Layout) -> str:
        """The tool's configuration file inside the layout's config directory."""
        return self.tool.config_in(layout)

    @abstractmethod
    def config_problem(self, text: str) -> str | None:
        """Why this text of the tool's config file configures nothing for it (see config.py), or None."""

    @abstractmethod
    def arguments(self, layout: Layout) -> list[str]:
        """The tool's arguments; never ones that let it rewrite the source."""

    @abstractmethod
    def read(self, execution: Execution, layout: Layout) -> Reading:
        """This tool's output read once: verdict, findings, text, and the reason it could not run if it did not."""

    def interpret(self, execution: Execution, layout: Layout) -> Outcome:
        """The rules every tool shares: a tool that failed, checked nothing or cannot be read is never findings."""
        if execution.error is not None:
            return _broken(self.name, execution.error, (), Listing((), execution.error))
        reading = in_order(self.read(execution, layout))
        findings = tuple(reading.findings)
        stopped = _could_not_run(reading, findings, execution, layout)
        if stopped is not None:
            return _broken(self.name, *stopped)
        detail = reading.detail or count(len(findings), "finding")
        text = reading.listing.text()
        return Outcome.ended(self.name, reading.verdict, detail, findings, text, reading.listing)


def _could_not_run(
    reading: Reading, findings: tuple[Finding, ...], execution: Execution, layout: Layout
) -> tuple[str, tuple[Finding, ...], Listing] | None:
    """Why the tool could not run, the findings kept and all it said; None when it ran."""
    why = reading.reason or fallback_reason(execution)
    if reading.unreadable is not None:
        raw = Listing((), unrooted(joined(execution.stdout, execution.stderr), layout))
        if reading.verdict is not Verdict.BROKEN:
            return f"its output could not be read ({reading.unreadable}); exit code {execution.exit_code}", (), raw
        return why, (), raw
    if NO_FILES.search(execution.stderr):
        why = f"it found no Python file to check in {layout.source} (excluded by .gitignore or the config?)"
    elif reading.verdict is Verdict.FAILED and not findings:
        why, findings = f"exit code {execution.exit_code} without any finding: {why}", ()
    elif reading.verdict is not Verdict.BROKEN:
        return None
    return why, findings, _with_stderr(reading.listing, execution, layout)


def in_order(reading: Reading) -> Reading:
    """The findings sorted, and a listing of one entry per finding sorted with them (its entries follow them)."""
    if len(reading.listing.entries) != len(reading.findings):
        return replace(reading, findings=sorted(reading.findings))
    pairs = sorted(zip(reading.findings, reading.listing.entries, strict=True), key=lambda pair: pair[0])
    listing = Listing(tuple(entry for _, entry in pairs), reading.listing.notes)
    return replace(reading, findings=[finding for finding, _ in pairs], listing=listing)


def exit_code_verdict(exit_code: int) -> Verdict:
    """What black, mypy and ruff's exit codes mean: 0 clean, 1 findings, anything else the tool failed."""
    return {0: Verdict.PASSED, 1: Verdict.FAILED}.get(exit_code, Verdict.BROKEN)


def fallback_reason(execution: Execution) -> str:
    """When a tool gives no reason of its own: the last lines it wrote, or its exit code."""
    return last_lines(execution.stderr) or last_lines(execution.stdout) or f"exit code {execution.exit_code}"


def unreadable(verdict: Verdict, error: UnreadableOutputError, reason: str) -> Reading:
    """The reading of output that could not be parsed: no findings, the exit code's verdict and the reason."""
    return Reading(verdict, [], Listing(()), reason, unreadable=str(error))


def _broken(tool: str, reason: str, findings: tuple[Finding, ...], listing: Listing) -> Outcome:
    return Outcome.ended(tool, Verdict.BROKEN, reason, findings, listing.text(), listing)


def _with_stderr(listing: Listing, execution: Execution, layout: Layout) -> Listing:
    """The listing, plus what the tool said on stderr unless the listing already shows every line of it."""
    shown = set(listing.text().splitlines())
    said = [line for line in unrooted(execution.stderr, layout).splitlines() if line.strip()]
    if all(line in shown for line in said):
        return listing
    return Listing(listing.entries, joined(listing.notes, execution.stderr))


def last_lines(text: str, limit: int = 3) -> str:
    """The last non-empty lines of a tool's message, joined on one line."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return " | ".join(lines[-limit:])


def unrooted(text: str, layout: Layout) -> str:
    """A tool's text with the working directory taken off absolute paths, as relative() does for one path."""
    return text.replace(layout.workdir.rstrip("/") + "/", "") if layout.workdir else text


def relative(path: str, layout: Layout) -> str:
    """A tool's path made relative to the working directory, so that both runners report the same."""
    if posixpath.isabs(path) and layout.workdir:
        rel = posixpath.relpath(path, layout.workdir)
        if not rel.startswith(".."):
            return rel
    return posixpath.normpath(path)


# Hidden names under the source are checked by no tool: mypy skips them whatever it is told, so the others are told
# too (black and ruff by a pattern under the source, since the source itself may lie in a hidden folder, like
# .pipeline/src; pylint by its rcfile's ignore-patterns, which match a name below the source, see pylint.py).


def hidden_under(source: str) -> str:
    """black's regular expression for a hidden file or folder under the source, on its `/`-rooted relative path."""
    above = "" if source == "." else re.escape(source) + "/"
    return f"^/{above}(.*/)?[.][^/]*(/|$)"


def hidden_glob(source: str) -> str:
    """ruff's glob for a hidden file or folder under the source, relative to the working directory."""
    above = "" if source == "." else "".join(f"\\{char}" if char in "*?[]{}\\" else char for char in source) + "/"
    return f"{above}**/.*"


def path_pattern(paths: tuple[str, ...]) -> str:
    """A regular expression for these paths and everything under them, written without a backslash or a comma
    (pylint reads its path patterns as a comma-separated list, and takes a backslash for a Windows separator)."""
    return "^(" + "|".join("".join(_literal(char) for char in path) for path in paths) + ")(/|$)"


def _literal(char: str) -> str:
    if char.isalnum() or char in "/_-~@%=:'\"<> ":
        return char
    return {"]": "[]]", "^": "[]^]", "\\": ".", ",": "."}.get(char, f"[{char}]")  # "." for one any character


def load_json(text: str) -> object:
    """Parse a JSON document, naming the problem when it is not one."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise UnreadableOutputError(f"not JSON: {error.msg} at line {error.lineno}") from None
