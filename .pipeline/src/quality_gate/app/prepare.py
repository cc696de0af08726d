"""Before any tool starts, the same for both front doors: the input is usable, the configuration configures its
tools, the committed baseline reads, and the source's Python files are known (once, for the whole run).

Tools given nothing to check would pass; given a config file without their section, they would run with their
defaults; given a path that is not there, they would fail with their own words, after the tools are set up.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath

from .. import inputs
from ..baseline.file import FILE_NAME as BASELINE_FILE
from ..baseline.file import Baseline, BaselineError, load, repeats_note
from ..checks import Check
from ..checks.config import unconfigured
from ..commands import TOOL_REQUIREMENTS, file_set_digest
from ..errors import QualityGateError
from ..functions import all_checks
from .repository import Repository


class InputError(QualityGateError):
    """The input cannot be used: one line that names the problem and what to do."""


@dataclass(frozen=True)
class PathOption:
    """A path option: its name and value as the user typed them, and the path the repository reads."""

    name: str  # `--source` locally, `--source-path` for `dagger call`
    given: str
    path: str


@dataclass(frozen=True)
class Request:
    """What a function asks to prepare."""

    source: PathOption
    config: PathOption
    config_default: bool  # the default folder, which may be missing: the shipped files stand in
    checks: Sequence[Check]  # the tools the function runs: their config files must configure them
    committed: bool = True  # read the committed baseline (`baseline --reset` never does)


@dataclass(frozen=True)
class Prepared:
    """What a run starts from, known to be usable before any tool starts."""

    files: list[str]  # the source's Python files, derived once
    file_set: str  # their digest
    present: frozenset[str]  # what the configuration folder holds (nothing when it is missing)
    bundled: tuple[str, ...]  # the shipped files standing in for those it lacks, by name
    baseline: Baseline | None  # the committed baseline, when the project has one (and it was asked for)


def shipped_names() -> list[str]:
    """The files of a configuration folder that the gate ships a default of."""
    return [TOOL_REQUIREMENTS, *(check.tool.config_file for check in all_checks())]


async def prepare(repository: Repository, request: Request) -> Prepared:
    """The run's starting point; an InputError for input that cannot be used."""
    source, config = request.source, request.config
    if not await repository.is_directory(source.path):
        raise InputError(inputs.not_a_directory(source.name, source.given, repository.where))
    own_config = await repository.is_directory(config.path)
    if not own_config and not request.config_default:
        raise InputError(inputs.not_a_directory(config.name, config.given, repository.where))
    files = await repository.python_files(source.path)
    if not files:
        raise InputError(inputs.no_python_file(source.name, source.given))
    present = frozenset(await repository.entries(config.path)) if own_config else frozenset()
    await _require_configured(
        repository, config, [check for check in request.checks if check.tool.config_file in present]
    )
    committed = request.committed and BASELINE_FILE in present
    baseline = await _committed(repository, config) if committed else None
    bundled = tuple(name for name in shipped_names() if name not in present)
    return Prepared(files, file_set_digest(files), present, bundled, baseline)


async def _require_configured(repository: Repository, config: PathOption, own: Sequence[Check]) -> None:
    """The project's own configuration files must configure their tools (the shipped ones do).

    A file that cannot be read is left to its tool, which says why.
    """
    texts = {}
    for check in own:
        name = check.tool.config_file
        try:
            texts[name] = _text(await repository.read(config.path, name))
        except OSError:
            continue
    problem = unconfigured(config.given, own, texts)
    if problem:
        raise InputError(problem)


async def _committed(repository: Repository, config: PathOption) -> Baseline:
    """The committed baseline; a repeated entry is said on stderr (the function's log in Dagger)."""
    name = str(PurePosixPath(config.given) / BASELINE_FILE)
    try:
        baseline = load(await repository.read(config.path, BASELINE_FILE), name)
    except OSError as error:
        raise InputError(f"cannot read {name}: {error.strerror}") from None
    except BaselineError as error:
        raise InputError(str(error)) from None
    note = repeats_note(baseline, name)
    if note:
        print(note, file=sys.stderr, flush=True)
    return baseline


def _text(content: str | bytes) -> str:
    """Text as reading a file as text gives it: undecodable bytes replaced, any line ending read as one."""
    if isinstance(content, str):
        return content
    return content.decode("utf-8", errors="replace").replace("\r\n", "\n").replace("\r", "\n")
