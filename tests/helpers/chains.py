"""Reading the SDK's lazily built queries, and a gate over a small repository, for the Dagger layer's tests."""

from __future__ import annotations

from typing import Any

import dagger
from dagger import dag
from quality_gate.container.module import QualityGate
from quality_gate.functions import single

from .engine import chain

__all__ = ["chain", "container_for", "gate", "index", "repository"]


def repository(source_path: str = "src", config_path: str = ".config") -> dagger.Directory:
    """A repository as the workspace argument would bring it: the source and the configuration in it."""
    return (
        dag.directory()
        .with_new_file(f"{source_path}/main.py", 'print("hi")\n')
        .with_new_file(f"{config_path}/requirements.txt", "pylint==4.1.4 --hash=sha256:00\n")
    )


def gate(source_path: str = "src", config_path: str = ".config", incremental: bool = True) -> QualityGate:
    """The module's object over such a repository, as the engine would construct it."""
    workspace = repository(source_path, config_path)  # a query only: nothing checks these paths before an engine
    # The SDK's object_type makes the class a keyword-only dataclass, which mypy cannot see.
    return QualityGate(  # type: ignore[call-arg]
        workspace=workspace, source_path=source_path, config_path=config_path, incremental=incremental
    )


def container_for(function: str, source_path: str = "src") -> list[tuple[str, dict[str, Any]]]:
    """The container chain the function runs its tool in, as the gate's own runner builds it."""
    runner = gate(source_path)._runner()  # pylint: disable=protected-access  # the runner run_all and lint use
    return chain(runner.container(single()[function].command(runner.layout, incremental=runner.incremental)))


def index(steps: list[tuple[str, dict[str, Any]]], step: str, **match: Any) -> int:
    """The position of the first step of that name whose arguments include `match`."""
    for position, (field, args) in enumerate(steps):
        if field == step and all(args.get(key) == value for key, value in match.items()):
            return position
    raise AssertionError(f"no {step} {match} in {[field for field, _ in steps]}")
