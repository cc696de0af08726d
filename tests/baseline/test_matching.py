"""Matching findings to baseline entries without line numbers: each pass, duplicates, whole-file findings, the file."""

# Test names say what each test proves.
# pylint: disable=missing-function-docstring

from __future__ import annotations

import json
from pathlib import Path

import pytest
from quality_gate.baseline.anchors import RECORD_FORMAT, Scopes, remembered
from quality_gate.baseline.file import (
    Baseline,
    BaselineError,
    compare,
    entry_for,
    load,
    recorded,
    render,
    repeats_note,
    source_lines,
    tightened,
)
from quality_gate.drivers.common.state import State
from quality_gate.findings import Finding

SOURCE = "import os\n\n\ndef shout(text):\n    return text.upper()\n\n\ndef other(text):\n    return text\n"


def untyped(line: int, path: str = "src/app.py") -> Finding:
    return Finding(path, line, 1, "mypy", "no-untyped-def", "Function is missing a type annotation", "major")


def undefined(line: int) -> Finding:
    return Finding("src/app.py", line, 12, "pylint", "E0602", "Undefined variable 'x' (undefined-variable)", "critical")


def module_level() -> Finding:
    message = "Missing module docstring (missing-module-docstring)"
    return Finding("src/app.py", 1, 1, "pylint", "C0114", message, "minor", whole_module=True)


def test_whitespace_and_lines_inserted_elsewhere_leave_the_entry_as_it_was() -> None:
    before = entry_for(untyped(4), source_lines(SOURCE))
    reformatted = SOURCE.replace("def shout(text):", "def  shout( text ):")
    assert entry_for(untyped(4), source_lines(reformatted)) == before
    other = entry_for(untyped(8), source_lines(SOURCE))
    assert entry_for(untyped(10), source_lines("# header\n# more\n" + SOURCE)) == other


def test_a_line_inserted_next_to_a_finding_keeps_it_known_by_its_line() -> None:
    committed = [entry_for(untyped(4), source_lines(SOURCE))]
    nearby = SOURCE.replace("def shout", "# right above\ndef shout")
    found = entry_for(untyped(5), source_lines(nearby))
    assert found.context != committed[0].context and found.line == committed[0].line
    assert compare(committed, [found]).known(0)


def test_the_same_message_on_another_line_is_new_while_its_own_line_is_known() -> None:
    lines = source_lines(SOURCE)
    committed = [entry_for(untyped(4), lines)]
    comparison = compare(committed, [entry_for(untyped(4), lines), entry_for(untyped(8), lines)])
    assert [comparison.known(0), comparison.known(1)] == [True, False]
    assert not comparison.fixed


def test_two_identical_findings_need_two_entries() -> None:
    lines = source_lines("X = 1\nprint\nprint\n")
    first, second = (entry_for(Finding("a.py", n, 1, "pylint", "W0104", "no effect", "major"), lines) for n in (2, 3))
    assert first.line == second.line
    one = compare([first], [first, second])
    assert sum(one.known(i) for i in range(2)) == 1
    both = compare([first, second], [first, second])
    assert both.known(0) and both.known(1)


def test_a_module_message_stays_known_when_lines_are_inserted_at_the_top() -> None:
    committed = [entry_for(module_level(), source_lines(SOURCE))]
    found = entry_for(module_level(), source_lines("# Copyright\n\n" + SOURCE))
    assert compare(committed, [found]).known(0)


def test_the_same_line_in_another_definition_is_new_and_in_its_own_one_known() -> None:
    text = "def one():\n    return x\n\n\ndef two():\n    return x\n"
    lines, scopes = source_lines(text), Scopes.of_text(text)
    first, second = (entry_for(undefined(n), lines, scopes.of(n)) for n in (2, 6))
    assert (first.scope, second.scope) == ("one", "two") and first.line == second.line
    assert not compare([first], [second]).known(0), "another function"
    moved = "# header\n\n" + text
    assert compare([first], [entry_for(undefined(4), source_lines(moved), Scopes.of_text(moved).of(4))]).known(0)


def test_a_line_edited_in_place_is_new_though_its_neighbours_are_the_same() -> None:
    lines = source_lines(SOURCE)
    committed = [entry_for(untyped(4), lines, "shout")]
    edited = source_lines(SOURCE.replace("def shout(text):", "def shout(text, loud):"))
    found = entry_for(untyped(4), edited, "shout")
    assert found.context == committed[0].context
    comparison = compare(committed, [found])
    assert not comparison.known(0) and comparison.fixed == tuple(committed)


def test_scopes_name_the_innermost_definition_and_nothing_for_a_file_python_cannot_parse() -> None:
    text = (
        "import os\n"  # 1
        "class Box:\n"  # 2
        "    size = 1\n"  # 3
        "    @staticmethod\n"  # 4: a decorator runs in the class
        "    def make():\n"  # 5
        "        if os:\n"  # 6
        "            def inner():\n"  # 7
        "                return 1\n"  # 8
        "        return 2\n"  # 9
        "async def run():\n"  # 10
        "    return [x for x in ()]\n"  # 11
        "done = 1\n"  # 12
    )
    scopes = Scopes.of_text(text)
    assert [scopes.of(line) for line in range(1, 14)] == [
        "",
        "Box",
        "Box",
        "Box",
        "Box.make",
        "Box.make",
        "Box.make.inner",
        "Box.make.inner",
        "Box.make",
        "run",
        "run",
        "",
        "",
    ]
    assert Scopes.of_text("def broken(:\n").of(1) is None
    assert Scopes.of_text("x = 1\0\n").of(1) is None
    assert Scopes.of_text("x = " + "(" * 5000 + ")" * 5000 + "\n").of(1) in {"", None}, "never a crash"


def test_a_fixed_finding_is_left_over_and_tightening_drops_only_it() -> None:
    lines = source_lines(SOURCE)
    committed = [entry_for(untyped(4), lines), entry_for(untyped(8), lines)]
    comparison = compare(committed, [committed[1]])
    assert comparison.fixed == (committed[0],)
    assert tightened([comparison]).entries == (committed[1],)
    assert recorded([comparison]).entries == (committed[1],)


def black(size: int) -> Finding:
    return Finding("src/app.py", 3, 1, "black", "unformatted", "would reformat", "minor", "Style", True, extent=size)


def test_a_whole_file_finding_is_known_up_to_its_recorded_size_and_tightening_lowers_it() -> None:
    committed = [entry_for(black(4), [])]
    grown = compare(committed, [entry_for(black(6), [])])
    assert not grown.known(0) and not grown.fixed, "new, and the entry is not fixed: the file still needs black"
    smaller = compare(committed, [entry_for(black(2), [])])
    assert smaller.known(0)
    assert [entry.size for entry in tightened([smaller]).entries] == [2]
    assert [entry.size for entry in tightened([grown]).entries] == [4], "never raised"


def test_the_file_round_trips_also_names_that_are_not_utf_8() -> None:
    odd = untyped(4, "src/caf\udce9.py")
    baseline = Baseline.of([entry_for(odd, source_lines(SOURCE)), entry_for(black(2), [])])
    text = render(baseline)
    text.encode("utf-8")  # a UTF-8 file, the odd byte written as JSON's own escape
    assert "\\udce9" in text
    assert load(text, "b.json") == baseline
    assert render(Baseline.of([])) == '{\n  "format": "quality-gate-baseline/2",\n  "entries": [\n  ]\n}\n'


def test_identical_findings_are_one_line_with_their_count_and_a_repeated_line_counts_once() -> None:
    lines = source_lines("print(1), print(1)\n")
    twice = [entry_for(Finding("a.py", 1, n, "ruff", "T201", "`print` found", "minor"), lines, "") for n in (1, 11)]
    text = render(Baseline.of(twice))
    assert text.count('"count": 2') == 1 and len(text.splitlines()) == 6
    assert load(text, "b.json") == Baseline.of(twice)
    body = text.splitlines()
    repeated = "\n".join([*body[:3], body[3] + ",", body[3], *body[4:]])
    merged = load(repeated, "b.json")
    assert merged.entries == tuple(twice) and merged.repeated == 1, "the repeat adds nothing"
    assert repeats_note(merged, "b.json") == (
        "note: b.json repeats an entry (counted once); run `baseline` to write it without repeats"
    )
    assert repeats_note(load(text, "b.json"), "b.json") is None


def test_a_file_of_the_first_format_is_refused_saying_how_to_record_it_again() -> None:
    with pytest.raises(BaselineError, match=r"^b\.json is in an earlier format \(quality-gate-baseline/1\)"):
        load('{"format": "quality-gate-baseline/1", "entries": []}', "b.json")


def test_scopes_are_kept_by_content_and_a_bad_entry_is_parsed_again(tmp_path: Path) -> None:
    state = State(tmp_path / "scopes", RECORD_FORMAT)
    text = "class Box:\n    def make(self):\n        return 1\n"
    scopes = remembered(state)
    assert scopes(text).of(3) == "Box.make"
    [entry] = list((tmp_path / "scopes").glob("*.json"))
    assert json.loads(entry.read_text(encoding="utf-8"))["result"] == {"spans": [[1, 3, "Box"], [2, 3, "Box.make"]]}
    assert remembered(state)(text).of(3) == "Box.make", "read back"
    entry.write_text(entry.read_text(encoding="utf-8").replace('"Box.make"', "7"), encoding="utf-8")
    assert remembered(state)(text).of(3) == "Box.make", "a corrupt entry is a miss"
    assert remembered(state)("def broken(:\n").of(1) is None
    assert remembered(state)("def broken(:\n").of(1) is None, "not parsed, remembered as such"
