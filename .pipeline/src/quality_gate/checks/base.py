"""What every check shares: turning an execution into a verdict, findings and readable output."""

from __future__ import annotations

import json
import posixpath
import re
from abc import ABC, abstractmethod

from ..execution import Command, Execution, Layout
from ..findings import Finding, Listing, Outcome, Verdict, count, headline

# What black and ruff say when their file discovery (excludes, .gitignore) left nothing to check.
NO_FILES = re.compile(r"No Python files (are present|found)")


class OutputError(ValueError):
    """The tool's machine-readable output could not be read."""


class Check(ABC):
    """One tool: its command line, what its exit codes mean, and how to read its output."""

    name: str
    module: str
    cache_variable: str
    config_file: str
    priority: int  # start order when CPUs are short: the longest tool first, then the rest shortest first
    workers_variable: str | None = None
    suffixes: tuple[str, ...] = (".py", ".pyi")  # the files it checks: given none of them, it cannot run

    def command(self, layout: Layout) -> Command:
        """The invocation for this layout, the same under every runner."""
        arguments = tuple(self.arguments(layout))
        return Command(
            self.name,
            self.module,
            arguments,
            self.cache_variable,
            self.config_file,
            self.priority,
            self.workers_variable,
        )

    def config_path(self, layout: Layout) -> str:
        """The tool's configuration file inside the layout's config directory."""
        return posixpath.join(layout.config, self.config_file)

    @abstractmethod
    def config_problem(self, text: str) -> str | None:
        """Why this text of the tool's config file configures nothing for it (see config.py), or None."""

    @abstractmethod
    def arguments(self, layout: Layout) -> list[str]:
        """The tool's arguments; never ones that let it rewrite the source."""

    def classify(self, exit_code: int) -> Verdict:
        """What the tool's exit code says; black, mypy and ruff share 0 clean, 1 findings, else broken."""
        return {0: Verdict.PASSED, 1: Verdict.FAILED}.get(exit_code, Verdict.BROKEN)

    @abstractmethod
    def parse(self, execution: Execution, layout: Layout) -> list[Finding]:
        """The findings in the tool's machine-readable output; raises OutputError when unreadable."""

    @abstractmethod
    def render(self, findings: list[Finding], execution: Execution, layout: Layout) -> Listing:
        """The findings in the tool's familiar text form, one entry per finding in their order."""

    def broken_reason(self, execution: Execution, findings: list[Finding], layout: Layout) -> str:
        """Why the tool itself failed; by default the last lines it wrote to stderr."""
        del findings
        if NO_FILES.search(execution.stderr):
            return f"it found no Python file to check in {layout.source} (excluded by .gitignore or the config?)"
        return last_lines(execution.stderr) or last_lines(execution.stdout) or f"exit code {execution.exit_code}"

    def detail(self, verdict: Verdict, findings: list[Finding], execution: Execution) -> str:
        """The end of the headline for a tool that ran."""
        del verdict, execution
        return count(len(findings), "finding")

    def review(self, verdict: Verdict, findings: list[Finding], execution: Execution, layout: Layout) -> Verdict:
        """A second look at the verdict once the findings are known; by default a tool that checked nothing failed."""
        del findings, layout
        if NO_FILES.search(execution.stderr):
            return Verdict.BROKEN
        return verdict

    def interpret(self, execution: Execution, layout: Layout) -> Outcome:
        """Verdict, findings and output of one execution; a tool that failed is never taken for findings."""
        if execution.error is not None:
            return _broken(self.name, execution.error, (), Listing((), execution.error))
        verdict = self.classify(execution.exit_code)
        try:
            findings = sorted(self.parse(execution, layout))
        except OutputError as error:
            if verdict is not Verdict.BROKEN:
                reason = f"its output could not be read ({error}); exit code {execution.exit_code}"
                return _broken(self.name, reason, (), Listing((), joined(execution.stdout, execution.stderr)))
            findings = []
        verdict = self.review(verdict, findings, execution, layout)
        listing = self.render(findings, execution, layout)
        if verdict is Verdict.BROKEN:
            reason = self.broken_reason(execution, findings, layout)
            return _broken(self.name, reason, tuple(findings), _with_stderr(listing, execution, layout))
        if verdict is Verdict.FAILED and not findings:
            why = self.broken_reason(execution, findings, layout)
            reason = f"exit code {execution.exit_code} without any finding: {why}"
            return _broken(self.name, reason, (), _with_stderr(listing, execution, layout))
        detail = self.detail(verdict, findings, execution)
        return Outcome(verdict, tuple(findings), listing.text(), headline(self.name, verdict, detail), listing)


def _broken(tool: str, reason: str, findings: tuple[Finding, ...], listing: Listing) -> Outcome:
    return Outcome(Verdict.BROKEN, findings, listing.text(), headline(tool, Verdict.BROKEN, reason), listing)


def _with_stderr(listing: Listing, execution: Execution, layout: Layout) -> Listing:
    """The listing, plus what the tool said on stderr unless the listing already shows every line of it."""
    shown = set(listing.text().splitlines())
    said = [line for line in unrooted(execution.stderr, layout).splitlines() if line.strip()]
    if all(line in shown for line in said):
        return listing
    return Listing(listing.entries, joined(listing.notes, execution.stderr))


def joined(*parts: str) -> str:
    """The non-empty parts, one after the other, each on its own lines."""
    return "\n".join(part.rstrip("\n") for part in parts if part.strip())


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


def load_json(text: str) -> object:
    """Parse a JSON document, naming the problem when it is not one."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise OutputError(f"not JSON: {error.msg} at line {error.lineno}") from None


def position(finding: Finding) -> str:
    """`path:line:column`, the form editors and terminals link to."""
    return f"{finding.path}:{finding.line}:{finding.column}"
