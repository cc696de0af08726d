"""Matching findings to baseline entries without line numbers: each pass, duplicates, whole-file findings, the file."""

# Test names say what each test proves.
# pylint: disable=missing-function-docstring

from __future__ import annotations

from quality_gate.baseline import Baseline, compare, entry_for, load, recorded, render, source_lines, tightened
from quality_gate.findings import Finding

SOURCE = "import os\n\n\ndef shout(text):\n    return text.upper()\n\n\ndef other(text):\n    return text\n"


def untyped(line: int, path: str = "src/app.py") -> Finding:
    return Finding(path, line, 1, "mypy", "no-untyped-def", "Function is missing a type annotation", "major")


def module_level() -> Finding:
    message = "Missing module docstring (missing-module-docstring)"
    return Finding("src/app.py", 1, 1, "pylint", "C0114", message, "minor")


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


def test_a_module_message_on_line_one_stays_known_when_lines_are_inserted_at_the_top() -> None:
    committed = [entry_for(module_level(), source_lines(SOURCE))]
    found = entry_for(module_level(), source_lines("# Copyright\n\n" + SOURCE))
    assert found.line != committed[0].line and found.context != committed[0].context
    assert compare(committed, [found]).known(0)


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
    assert render(Baseline.of([])) == '{\n  "format": "quality-gate-baseline/1",\n  "entries": [\n  ]\n}\n'
