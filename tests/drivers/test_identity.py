"""Incremental pylint gives what a full run gives, message for message and score, after every kind of edit.

Every test runs the real pylint both ways on a tree it builds, edits the tree, and compares again; the
driver's last-run.json says which modules it linted, so each test also proves the reuse it claims.
"""

# Test names say what each test proves.
# pylint: disable=missing-function-docstring

from __future__ import annotations

from pathlib import Path

import pytest
from helpers.pylint_runs import Tree, reported, symbols
from quality_gate.drivers.identity import differences

PACKAGE = '"""A package."""\n'

BASE = '''"""Something to import."""


def greet(name: str) -> str:
    """Say hello."""
    return "hello " + name
'''

USER = '''"""A user of base."""

from pkg import base


def main() -> str:
    """Greet someone."""
    return base.greet("you")
'''

LEAF = '''"""A module nobody imports."""

VALUE = 1
'''

EDIT = """

def added(value):
    unused = value
    return len(value)
"""


@pytest.fixture(name="tree")
def fixture_tree(tmp_path: Path) -> Tree:
    tree = Tree(tmp_path / "project", tmp_path / "pylint-home")
    tree.write({"pkg/__init__.py": PACKAGE, "pkg/base.py": BASE, "pkg/user.py": USER, "pkg/leaf.py": LEAF})
    return tree


def survives_a_leaf_edit(tree: Tree, symbol: str, leaf: str = "pkg/leaf.py", leaf_module: str = "pkg.leaf") -> None:
    """A whole-run message, reported cold, is still reported when only the leaf is linted again."""
    cold, _ = tree.same_as_full()
    assert symbol in reported(cold)
    tree.write({leaf: LEAF + EDIT})
    replayed, _ = tree.same_as_full()
    assert tree.last_run()["linted"] == [leaf_module]
    assert symbol in reported(replayed)


def test_a_cold_run_lints_everything_and_an_unchanged_tree_nothing(tree: Tree) -> None:
    tree.same_as_full()
    assert tree.last_run()["linted"] == ["pkg", "pkg.base", "pkg.leaf", "pkg.user"]
    tree.same_as_full()
    assert tree.last_run() | {"seconds": 0} == {
        "mode": "incremental",
        "modules": 4,
        "linted": [],
        "kept": 0,
        "seconds": 0,
    }


def test_a_leaf_edit_lints_the_leaf_alone(tree: Tree) -> None:
    tree.same_as_full()
    tree.write({"pkg/leaf.py": LEAF + EDIT})
    incremental, _ = tree.same_as_full()
    assert tree.last_run()["linted"] == ["pkg.leaf"]
    assert {"unused-variable", "missing-function-docstring"} <= set(symbols(incremental, "pkg/leaf.py"))
    assert incremental.exit_code != 0


def test_an_edit_of_an_imported_module_lints_its_importers_and_changes_their_findings(tree: Tree) -> None:
    first, _ = tree.same_as_full()
    assert "no-member" not in symbols(first, "pkg/user.py")
    tree.write({"pkg/base.py": BASE.replace("def greet", "def salute")})
    incremental, _ = tree.same_as_full()
    assert tree.last_run()["linted"] == ["pkg.base", "pkg.user"]
    assert "no-member" in symbols(incremental, "pkg/user.py")


def test_an_import_an_edit_adds_is_read_from_the_new_text_not_the_remembered_scan(tree: Tree) -> None:
    tree.same_as_full()
    tree.write({"pkg/leaf.py": LEAF + '\nfrom pkg import base\n\nGREETING = base.greet("x")\n'})
    tree.same_as_full()
    assert tree.last_run()["kept"] == 1, "the graph covers what linting the leaf loaded: its result is kept"
    tree.write({"pkg/base.py": BASE.replace("def greet", "def salute")})
    incremental, _ = tree.same_as_full()
    assert tree.last_run()["linted"] == ["pkg.base", "pkg.leaf", "pkg.user"]
    assert "no-member" in symbols(incremental, "pkg/leaf.py")


def test_a_cycle_is_reported_from_kept_results_and_gone_once_broken(tree: Tree) -> None:
    first = '"""One half."""\n\nfrom pkg import second\n\nVALUE = second.OTHER\n'
    second = (
        '"""The other half."""\n\nOTHER = 1\n\n\ndef back() -> int:\n    """Go back."""\n'
        "    from pkg import first  # pylint: disable=import-outside-toplevel\n\n    return first.VALUE\n"
    )
    tree.write({"pkg/first.py": first, "pkg/second.py": second})
    survives_a_leaf_edit(tree, "cyclic-import")
    tree.write({"pkg/second.py": second.replace("from pkg import first", "import pkg").replace("first.VALUE", "1")})
    broken, _ = tree.same_as_full()
    assert "cyclic-import" not in reported(broken)


DUPLICATED = '''

def duplicated(items: list[int]) -> int:
    """Add the even ones, twice."""
    total = 0
    for item in items:
        if item % 2 == 0:
            total += item * 2
    return total
'''


def test_a_duplicate_block_across_files_is_found_from_kept_results_and_gone_once_removed(tree: Tree) -> None:
    tree.write({"pkg/one.py": '"""One."""\n' + DUPLICATED, "pkg/two.py": '"""Two."""\n' + DUPLICATED})
    survives_a_leaf_edit(tree, "duplicate-code")
    tree.write({"pkg/two.py": '"""Two."""\n\nTWO = 2\n'})
    removed, _ = tree.same_as_full()
    assert "duplicate-code" not in reported(removed)


def test_a_new_module_and_a_removed_one(tree: Tree) -> None:
    tree.same_as_full()
    tree.write({"pkg/extra.py": '"""New."""\n\nfrom pkg import base\n\nSAID = base.greet("new")\n'})
    tree.same_as_full()
    assert "pkg.extra" in tree.last_run()["linted"]
    tree.write({"pkg/leaf.py": LEAF + EDIT})
    with_findings, _ = tree.same_as_full()
    assert "unused-variable" in symbols(with_findings, "pkg/leaf.py")  # what a stale replay would still show
    tree.remove("pkg/leaf.py")
    incremental, _ = tree.same_as_full()
    assert tree.last_run()["modules"] == 4
    assert all(message["path"] != "pkg/leaf.py" for message in incremental.report["messages"])


READER = '''"""Reads sys.stdout."""

import sys


def read() -> str:
    """Read what was written."""
    text = sys.stdout.reset()
    return str(text)
'''

STREAM = '''"""Replaces sys.stdout."""

import sys


class Recorder:  # pylint: disable=too-few-public-methods
    """Records."""

    def reset(self) -> str:
        """Give back what was recorded."""
        return "recorded"


def install() -> None:
    """Install the recorder."""
    sys.stdout = Recorder()
'''


def test_a_module_that_assigns_an_attribute_of_another_is_a_dependency_of_its_readers(tree: Tree) -> None:
    """astroid adds `sys.stdout = Recorder()` to sys for every module: reader's findings depend on stream.py,
    which it never imports (pylint on reader.py alone reports no-member; in the whole tree it does not)."""
    tree.write({"pkg/reader.py": READER, "pkg/stream.py": STREAM})
    cold, _ = tree.same_as_full()
    assert symbols(cold, "pkg/reader.py") == []
    tree.write({"pkg/stream.py": STREAM.replace("sys.stdout = Recorder()", "print(Recorder())")})
    incremental, _ = tree.same_as_full()
    assert "pkg.reader" in tree.last_run()["linted"]
    assert symbols(incremental, "pkg/reader.py") == ["no-member"]


def test_a_syntax_error_and_its_fix(tree: Tree) -> None:
    tree.write({"pkg/broken.py": '"""Broken."""\n\ndef (:\n'})
    broken, _ = tree.same_as_full()
    assert symbols(broken, "pkg/broken.py") == ["syntax-error"]
    tree.write({"pkg/broken.py": '"""Fixed."""\n'})
    tree.same_as_full()
    assert tree.last_run()["linted"] == ["pkg.broken"]


def test_the_project_sees_its_imports_as_a_full_run_does_not_the_drivers_package(tree: Tree) -> None:
    """The runner puts the gate's package on PYTHONPATH for the driver; pylint must not see it there."""
    text = '"""Imports a name the gate also uses."""\n\nimport quality_gate\n\nNAME = quality_gate.__name__\n'
    tree.write({"pkg/leaf.py": text})
    incremental, _ = tree.same_as_full()
    assert "import-error" in symbols(incremental, "pkg/leaf.py")


def test_a_setting_no_key_covers_makes_a_full_run_and_says_why(tree: Tree) -> None:
    done = tree.run(True, "--jobs=2")
    assert tree.last_run() == {"mode": "full", "reason": "jobs is not 1 (parallel runs merge results their own way)"}
    assert differences(done.report, tree.run(False, "--jobs=2").report) == []


def test_a_subpackage_found_by_walking_a_folder_keeps_its_imports(tmp_path: Path) -> None:
    """Walking `src`, pylint names a package's file `app.sub.__init__`; astroid and imports say `app.sub`. A cycle
    through it must still be found when the package's result is kept (werkzeug's benchmark caught this)."""
    tree = Tree(tmp_path / "project", tmp_path / "pylint-home", source="src")
    tree.write(
        {
            "src/app/__init__.py": '"""App."""\n',
            "src/app/sub/__init__.py": '"""Sub."""\n\nfrom . import part\n\nNAME = part.NAME\n',
            "src/app/sub/part.py": '"""Part."""\n\nfrom app import sub\n\nNAME = "part"\n\n\ndef parent() -> str:\n'
            '    """The package."""\n    return sub.NAME\n',
            "src/app/leaf.py": LEAF,
        }
    )
    survives_a_leaf_edit(tree, "cyclic-import", "src/app/leaf.py", "app.leaf")
    tree.write({"src/app/sub/part.py": '"""Part."""\n\nNAME = "part"\n'})
    tree.same_as_full()
    assert tree.last_run()["linted"] == ["app.sub.__init__", "app.sub.part"]
