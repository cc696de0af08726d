"""The installable local runner: the wheel built from this checkout holds the runner and the shipped configuration,
pins exactly the tools' pins, and, installed offline into a fresh environment (pip, and uv's `uvx`), runs
`quality-gate` on a project with none of this repository's files, finding what the tools find directly."""

# Test names say what each test proves; pytest fixtures arrive as parameters named like the fixture.
# pylint: disable=missing-function-docstring,redefined-outer-name

from __future__ import annotations

import difflib
import email.parser
import json
import subprocess
import sys
import tomllib
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from helpers.gate import PLANTED, report_keys, said, summary_rows
from helpers.package import build_wheel, checkout_copy, fresh_venv, need_wheelhouse, offline_env
from helpers.paths import CONFIG, PIPELINE_SRC, REPO, TOOLS
from packaging.requirements import Requirement

# One worker runs this module: its environments are built once (pytest.ini: --dist loadgroup).
pytestmark = pytest.mark.xdist_group("package")

PACKAGE = PIPELINE_SRC / "quality_gate"
# The Dagger front door: it imports dagger, which the runner never needs.
DAGGER_ONLY = PACKAGE / "container"
SHIPPED = ("requirements.txt", ".pylintrc", "black.toml", "mypy.ini", "pyproject.toml")

Key = tuple[str, str, str, int]  # tool, rule, path, line


def pins(lines: list[str]) -> set[str]:
    """Each requirement as packaging writes it (name, version, marker), whatever its spelling."""
    return {str(Requirement(line)) for line in lines}


def requirements_txt_pins() -> set[str]:
    text = (CONFIG / "requirements.txt").read_text(encoding="utf-8")
    return pins([line.rstrip(" \\") for line in text.splitlines() if line and not line.startswith((" ", "#", "-"))])


def test_the_package_pins_exactly_the_tools_pins_and_the_pinned_build_backend() -> None:
    """requirements.txt states the versions (with hashes, from `make pins`); pyproject.toml repeats each pin, marker
    and all, since its dependencies are what pipx, uvx and pre-commit install: this keeps the two the same."""
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    declared = pins(project["project"]["dependencies"])
    expected = requirements_txt_pins()
    assert declared == expected, (
        f"pyproject.toml's dependencies differ from .config/requirements.txt: missing {sorted(expected - declared)}, "
        f"not pinned there {sorted(declared - expected)}"
    )
    backend = (REPO / ".packaging" / "build-requirements.txt").read_text(encoding="utf-8")
    hatchling = next(line.split()[0] for line in backend.splitlines() if line.startswith("hatchling=="))
    assert project["build-system"]["requires"] == [hatchling]


def test_no_tool_configuration_in_the_root_pyproject() -> None:
    """Every tool gets its configuration file by path; the root pyproject.toml configures none of them anyway."""
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    assert set(project.get("tool", {})) == {"hatch"}


@pytest.fixture(scope="module")
def offline(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    need_wheelhouse()
    return offline_env(tmp_path_factory.mktemp("offline-home"))


@pytest.fixture(scope="module")
def checkout(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return checkout_copy(tmp_path_factory.mktemp("checkout"))[0]


@pytest.fixture(scope="module")
def wheel(checkout: Path, offline: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_wheel(checkout, tmp_path_factory.mktemp("dist"), offline)


def test_the_wheel_holds_the_runner_its_drivers_and_the_shipped_configuration(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        shipped = {name: archive.read(f"quality_gate/defaults/{name}") for name in SHIPPED}
        info = next(name.split("/")[0] for name in names if name.endswith(".dist-info/METADATA"))
        metadata = email.parser.Parser().parsestr(archive.read(f"{info}/METADATA").decode())
        entry_points = archive.read(f"{info}/entry_points.txt").decode()
    source = {
        f"quality_gate/{path.relative_to(PACKAGE).as_posix()}"
        for path in PACKAGE.rglob("*")
        if path.is_file() and path.suffix in {".py", ".typed"} and not path.is_relative_to(DAGGER_ONLY)
    }
    package = {name for name in names if not name.startswith(info) and "/defaults/" not in name}
    assert package == source, "every module of the runner and its drivers, and nothing of the Dagger front door"
    assert {"quality_gate/drivers/pylint/__main__.py", "quality_gate/drivers/black/__main__.py"} <= package
    assert shipped == {name: (CONFIG / name).read_bytes() for name in SHIPPED}, "the repository's .config/ files"
    assert "[console_scripts]\nquality-gate = quality_gate.cli.main:console" in entry_points
    assert pins(metadata.get_all("Requires-Dist") or []) == requirements_txt_pins()
    assert metadata["Name"] == "quality-gate" and metadata["Requires-Python"] == ">=3.11"


@pytest.fixture(scope="module")
def installed(wheel: Path, offline: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bin folder of a fresh environment holding the wheel and the pins, installed with no index."""
    return fresh_venv(tmp_path_factory.mktemp("installed") / "venv", wheel, offline)


def bare_project(root: Path) -> Path:
    """A git repository with only its code: no .config/, no file of this repository."""
    (root / "src").mkdir(parents=True)
    for name, text in PLANTED.items():
        (root / name).write_text(text, encoding="utf-8")
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    return root


def run(argv: list[str], env: dict[str, str], cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, check=False, timeout=600)


@dataclass(frozen=True)
class Direct:
    """The four tools run directly by an environment's interpreter from the project's root, each with its shipped
    configuration file: what the gate must find there."""

    python: Path
    root: Path
    defaults: Path
    env: dict[str, str]

    def tool(self, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        argv = [str(self.python), "-P", "-m", *args]
        done = subprocess.run(
            argv, cwd=self.root, env=self.env, input=stdin, capture_output=True, text=True, check=False
        )
        assert done.returncode < 32 if args[0] == "pylint" else done.returncode in {0, 1}, said(done)  # pylint's bits
        return done

    def keys(self) -> set[Key]:
        return self.pylint() | self.mypy() | self.ruff() | self.black()

    def pylint(self) -> set[Key]:
        report = json.loads(
            self.tool("pylint", "--rcfile", str(self.defaults / ".pylintrc"), "-f", "json2", "src").stdout
        )
        return {("pylint", m["messageId"], m["path"], m["line"]) for m in report["messages"]}

    def mypy(self) -> set[Key]:
        lines = self.tool("mypy", "--config-file", str(self.defaults / "mypy.ini"), "-O", "json", "src").stdout
        errors = [json.loads(line) for line in lines.splitlines()]
        return {("mypy", e["code"], e["file"], e["line"]) for e in errors if e["severity"] == "error"}

    def ruff(self) -> set[Key]:
        config = str(self.defaults / "pyproject.toml")
        found = json.loads(
            self.tool("ruff", "check", "--no-cache", "--config", config, "--output-format=json", "src").stdout
        )
        return {("ruff", v["code"], self.relative(v["filename"]), v["location"]["row"]) for v in found}

    def black(self) -> set[Key]:
        """Each file black would reformat, at the first line its formatting changes (as the gate reports it)."""
        black = ("black", "--config", str(self.defaults / "black.toml"))
        keys = set()
        for line in self.tool(*black, "--check", "src").stderr.splitlines():
            if line.startswith("would reformat "):
                path = self.relative(line.removeprefix("would reformat "))
                original = (self.root / path).read_text(encoding="utf-8")
                formatted = self.tool(*black, "--quiet", "-", stdin=original).stdout
                matcher = difflib.SequenceMatcher(a=original.splitlines(), b=formatted.splitlines(), autojunk=False)
                first = next(op for op in matcher.get_opcodes() if op[0] != "equal")
                keys.add(("black", "unformatted", path, first[1] + 1))
        return keys

    def relative(self, path: str) -> str:
        return Path(path).resolve().relative_to(self.root.resolve()).as_posix()


BUNDLED = {
    "pylint": ["bundled", ".pylintrc"],
    "black": ["bundled", "black.toml"],
    "mypy": ["bundled", "mypy.ini"],
    "ruff": ["bundled", "pyproject.toml"],
}


def test_installed_offline_it_runs_on_a_bare_project_and_finds_what_the_tools_find(
    installed: Path, offline: dict[str, str], tmp_path: Path
) -> None:
    root = bare_project(tmp_path / "project")
    python = installed / "python"
    where = run([str(python), "-c", "from quality_gate import defaults; print(defaults.directory())"], offline)
    defaults = Path(where.stdout.strip())
    assert defaults.is_relative_to(installed.parent), "the shipped files the wheel carries, not the checkout's"
    reports = tmp_path / "reports"
    done = run([str(installed / "quality-gate"), "report", "--output", str(reports)], offline, cwd=root)
    assert done.returncode == 1, said(done)
    rows = summary_rows(done.stdout)
    assert {tool: row[-2:] for tool, row in rows.items()} == BUNDLED
    assert all(row[0] == "failed" for row in rows.values()), said(done)
    found = report_keys(reports / "gl-code-quality-report.json")
    caches = tmp_path / "direct"
    env = {**offline_env(caches), "PYTHONHASHSEED": "0", "PYTHONDONTWRITEBYTECODE": "1"}
    env.update({"MYPY_CACHE_DIR": str(caches / "mypy"), "PYLINTHOME": str(caches / "pylint")})
    env["BLACK_CACHE_DIR"] = str(caches / "black")
    assert found == Direct(python, root, defaults, env).keys()
    assert {key[0] for key in found} == set(TOOLS), found
    assert sorted(path.name for path in root.iterdir()) == [".git", "src"], "nothing written into the project"


def test_every_module_of_the_wheel_imports_without_dagger(installed: Path, offline: dict[str, str]) -> None:
    walk = (
        "import importlib, pkgutil, quality_gate\n"
        "names = [m.name for m in pkgutil.walk_packages(quality_gate.__path__, 'quality_gate.')]\n"
        "for name in names:\n"
        "    if not name.endswith('__main__'):\n"  # a __main__ runs its command when imported
        "        importlib.import_module(name)\n"
        "print(len(names))\n"
    )
    done = run([str(installed / "python"), "-c", walk], offline)
    assert done.returncode == 0, said(done)
    assert int(done.stdout) >= 50, done.stdout
    probe = run([str(installed / "python"), "-c", "import dagger"], offline)
    assert probe.returncode != 0, "dagger-io is no dependency of the runner"


def test_uvx_from_the_checkout_runs_offline_from_the_wheelhouse(
    checkout: Path, offline: dict[str, str], tmp_path: Path
) -> None:
    """`uvx --from <checkout> quality-gate`: uv builds the checkout with the pinned backend and installs the pins,
    all from the wheelhouse (--offline, --no-index), then runs the command."""
    uvx = [
        str(Path(sys.executable).parent / "uv"),
        "tool",
        "run",
        "--offline",
        "--no-index",
        "--find-links",
        str(need_wheelhouse()),
        "--python",
        sys.executable,
        "--from",
        str(checkout),
        "quality-gate",
    ]
    helped = run([*uvx, "--help"], offline)
    assert helped.returncode == 0, said(helped)
    assert helped.stdout.startswith("usage: quality-gate "), said(helped)
    root = bare_project(tmp_path / "project")
    done = run([*uvx, "run-all", "--quiet"], offline, cwd=root)
    assert done.returncode == 1, said(done)
    rows = summary_rows(done.stdout)
    assert {tool: row[-2:] for tool, row in rows.items()} == BUNDLED
    assert all(row[0] == "failed" for row in rows.values()), said(done)
