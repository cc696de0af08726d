"""The makefile, run for real with a recording `docker` first on PATH (no Docker engine needed).

Each Docker target must issue one `docker run` of the image as the calling user plus the
socket's group, with the socket and the repository (same absolute path, used as workdir)
mounted, DAGGER_* variables passed by name only, no `-t` without a terminal, the right
dagger command, and make must fail when docker (that is, dagger) fails.
"""

# Test names say what each test proves; pytest fixtures arrive as parameters named like the fixture.
# pylint: disable=missing-function-docstring,redefined-outer-name

from __future__ import annotations

import csv
import json
import os
import pty
import re
import shlex
import shutil
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from _delivery import component_inputs, dagger_json_version, registered_functions, tool
from helpers.paths import REPO
from quality_gate.baseline.file import FILE_NAME as BASELINE_FILE
from quality_gate.functions import ALL_TOOLS, single
from ruamel.yaml import YAML

MAKEFILE = REPO / "makefile"
DAGGER_VERSION = dagger_json_version()
IMAGE = f"quality-gate-dagger:{DAGGER_VERSION}"
CALL = ["call", "--source-path", "src", "--config-path", ".config"]
TTY_FLAGS = {"-t", "--tty", "-it", "-ti", "-i", "--interactive"}
FAKE_DOCKER = """#!{python}
import json, os, sys
with open(os.environ["FAKE_DOCKER_LOG"], "a", encoding="utf-8") as log:
    env = {{k: v for k, v in os.environ.items() if "DAGGER" in k}}
    log.write(json.dumps({{"argv": sys.argv[1:], "env": env, "cwd": os.getcwd()}}) + "\\n")
sys.exit(int(os.environ.get("FAKE_DOCKER_EXIT", "0")))
"""


class Recorder:
    """A fake `docker` on PATH, a real (unused) unix socket, and a way to run make against them."""

    def __init__(self, bin_dir: Path, socket_path: Path) -> None:
        self.bin_dir = bin_dir
        self.socket_path = socket_path
        self.log = bin_dir / "docker.log"
        write_executable(bin_dir / "docker", FAKE_DOCKER.format(python=sys.executable))

    def env(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        """The caller's environment with the fake docker first on PATH, minus what would steer the makefile.

        That is DAGGER_*, DOCKER_HOST, make's own variables, and every variable the makefile
        defines: run from `make test VENV=...`, those arrive in the environment and would win.
        """
        steering = {"DOCKER_HOST", "MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES", *makefile_variables()}
        env = {k: v for k, v in os.environ.items() if "DAGGER" not in k and k not in steering}
        env["PATH"] = f"{self.bin_dir}{os.pathsep}{env.get('PATH', '')}"
        env["FAKE_DOCKER_LOG"] = str(self.log)
        env.update(extra or {})
        return env

    def make(
        self, *args: str, env: dict[str, str] | None = None, directory: Path = REPO
    ) -> subprocess.CompletedProcess[str]:
        """make without a terminal: stdin from /dev/null, output captured (as in CI and scripts)."""
        return subprocess.run(
            ["make", "--no-print-directory", "-C", str(directory), *args, f"DOCKER_SOCKET={self.socket_path}"],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            env=self.env(env),
            check=False,
            timeout=120,
        )

    def make_in_terminal(self, *args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
        """make with stdin, stdout and stderr on a pseudo-terminal, as typed in a shell."""
        main_fd, sub_fd = pty.openpty()
        with subprocess.Popen(
            ["make", "--no-print-directory", "-C", str(REPO), *args, f"DOCKER_SOCKET={self.socket_path}"],
            stdin=sub_fd,
            stdout=sub_fd,
            stderr=sub_fd,
            env=self.env(env),
        ) as process:
            os.close(sub_fd)
            chunks: list[bytes] = []
            while True:
                try:
                    chunk = os.read(main_fd, 4096)
                except OSError:  # EIO: the terminal's other side is closed
                    break
                if not chunk:
                    break
                chunks.append(chunk)
            returncode = process.wait(timeout=120)
        os.close(main_fd)
        return returncode, b"".join(chunks).decode(errors="replace")

    def calls(self) -> list[dict[str, Any]]:
        """Every recorded docker invocation: argv (without `docker`), DAGGER* environment, cwd."""
        if not self.log.exists():
            return []
        return [json.loads(line) for line in self.log.read_text(encoding="utf-8").splitlines()]

    def only_call(self) -> list[str]:
        calls = self.calls()
        assert len(calls) == 1, calls
        argv: list[str] = calls[0]["argv"]
        return argv


def makefile_variables() -> set[str]:
    text = MAKEFILE.read_text(encoding="utf-8")
    return set(re.findall(r"^([A-Za-z_][A-Za-z0-9_]*)\s*[?:]?=", text, re.MULTILINE))


def write_executable(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")
    path.chmod(0o755)


@pytest.fixture
def recorder(tmp_path: Path) -> Iterator[Recorder]:
    # A short directory: a unix socket path must stay under ~108 bytes.
    short = Path(tempfile.mkdtemp(prefix="qg-sock-"))
    sock_path = short / "docker.sock"
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(sock_path))
    try:
        bin_dir = tmp_path / "bin"
        bin_dir.mkdir()
        yield Recorder(bin_dir, sock_path)
    finally:
        server.close()
        shutil.rmtree(short, ignore_errors=True)


def option_values(argv: list[str], option: str) -> list[str]:
    """Values of `--option value` occurrences before the image name."""
    return [argv[i + 1] for i, arg in enumerate(argv[:-1]) if arg == option]


def after_image(argv: list[str], image: str = IMAGE, root: Path = REPO) -> list[str]:
    """The dagger CLI's arguments; a call's `--project` (tested on its own below) is checked here and left out."""
    assert image in argv, argv
    words = argv[argv.index(image) + 1 :]
    if words[:1] == ["call"]:
        at = words.index("--project")
        assert words[at + 1] == project_of(root), "every call names the project's cache volumes"
        del words[at : at + 2]
    return words


def project_of(root: Path) -> str:
    """What the makefile names the project: git's hash of its origin URL, else of its path."""
    origin = ["git", "-C", str(root), "remote", "get-url", "origin"]
    found = subprocess.run(origin, capture_output=True, text=True, check=False)
    named = found.stdout if found.returncode == 0 else f"{root}\n"
    hashed = subprocess.run(["git", "hash-object", "--stdin"], input=named, capture_output=True, text=True, check=True)
    return hashed.stdout.strip()


def mount_fields(value: str) -> dict[str, str]:
    """A --mount value read as docker reads it: one CSV record of key=value fields."""
    (record,) = list(csv.reader([value]))
    return dict(field.split("=", 1) for field in record)


def assert_docker_run_shape(argv: list[str], recorder: Recorder, *, image: str = IMAGE, root: Path = REPO) -> None:
    """The parts every docker run of the image shares."""
    assert argv[0] == "run"
    before = argv[: argv.index(image)]
    assert "--rm" in before
    assert option_values(before, "--user") == [f"{os.getuid()}:{os.getgid()}"]
    assert option_values(before, "--group-add") == [str(recorder.socket_path.stat().st_gid)]
    mounts = [mount_fields(value) for value in option_values(before, "--mount")]
    socket_mount = {"type": "bind", "source": str(recorder.socket_path), "target": "/var/run/docker.sock"}
    assert socket_mount in mounts
    assert {"type": "bind", "source": str(root), "target": str(root)} in mounts
    assert option_values(before, "--workdir") == [str(root)]
    assert not any(arg.startswith("-v") or arg == "--volume" for arg in before), "bind mounts use --mount"


def phony_targets() -> list[str]:
    text = MAKEFILE.read_text(encoding="utf-8").replace("\\\n", " ")
    declared = re.findall(r"^\.PHONY:(.*)$", text, re.MULTILINE)
    assert declared, "the makefile declares its targets .PHONY"
    return [name for line in declared for name in line.split()]


def rule_targets() -> list[str]:
    """Every explicit target the makefile defines, except the stamp files."""
    names = re.findall(r"^([a-z][a-z0-9-]*):(?!=)", MAKEFILE.read_text(encoding="utf-8"), re.MULTILINE)
    return list(dict.fromkeys(names))


DAGGER_TARGETS = [
    *((function, [*CALL, function]) for function in single()),
    ("run-all", [*CALL, "run-all"]),
    ("report", [*CALL, "report", "export", "--path=reports"]),
    ("fix", [*CALL, "fix"]),  # no terminal, no YES=1: dagger shows the changeset and applies nothing
    ("baseline", [*CALL, "baseline", "export", f"--path=.config/{BASELINE_FILE}"]),
    ("check", ["check", "--no-generate"]),
    ("functions", ["functions"]),
]


@pytest.mark.parametrize(("target", "dagger_args"), DAGGER_TARGETS, ids=[t for t, _ in DAGGER_TARGETS])
def test_docker_target_without_terminal(recorder: Recorder, target: str, dagger_args: list[str]) -> None:
    """No terminal (CI, scripts): one `docker run`, as the caller, no -t/-i, the expected dagger command."""
    result = recorder.make(target)
    assert result.returncode == 0, result.stderr
    argv = recorder.only_call()
    assert_docker_run_shape(argv, recorder)
    assert not TTY_FLAGS & set(argv), argv
    assert after_image(argv) == dagger_args


def test_run_all_without_terminal_is_the_done_when(recorder: Recorder) -> None:
    """Issue 3's done-when: `make run-all` without a terminal records the user mapping and no -t."""
    result = recorder.make("run-all")
    assert result.returncode == 0, result.stderr
    argv = recorder.only_call()
    assert "--user" in argv
    assert "--group-add" in argv
    assert not {"-t", "--tty", "-it", "-ti"} & set(argv)


@pytest.mark.parametrize("function", [*single(), *ALL_TOOLS])
def test_each_function_has_its_make_target_calling_it(recorder: Recorder, function: str) -> None:
    """The gate's functions (one table, functions.py) each have a make target of that name calling that function,
    and the module registers it."""
    result = recorder.make(function)
    assert result.returncode == 0, result.stderr
    called = after_image(recorder.only_call())
    assert called[0] == "call" and function in called, called
    assert function in registered_functions(), f"{function} is not a function of the module"


def test_variables_are_overridable(recorder: Recorder) -> None:
    result = recorder.make("run-all", "FAIL_FAST=1", "SOURCE=app", "CONFIG=ci/conf", "IMAGE=example/qg:1")
    assert result.returncode == 0, result.stderr
    argv = recorder.only_call()
    assert_docker_run_shape(argv, recorder, image="example/qg:1")
    expected = ["call", "--source-path", "app", "--config-path", "ci/conf", "run-all", "--fail-fast"]
    assert after_image(argv, "example/qg:1") == expected


def test_baseline_reset_and_config_choose_the_recording_and_where_it_is_exported(recorder: Recorder) -> None:
    """The file lands in the configuration directory, where every check of the module reads it."""
    result = recorder.make("baseline", "RESET=1", "CONFIG=ci/conf")
    assert result.returncode == 0, result.stderr
    expected = ["call", "--source-path", "src", "--config-path", "ci/conf", "baseline", "--reset", "export"]
    assert after_image(recorder.only_call()) == [*expected, f"--path=ci/conf/{BASELINE_FILE}"]


def test_no_cache_makes_dagger_run_pylint_and_black_whole(recorder: Recorder) -> None:
    result = recorder.make("lint", "NO_CACHE=1")
    assert result.returncode == 0, result.stderr
    expected = ["call", "--source-path", "src", "--config-path", ".config", "--incremental=false", "lint"]
    assert after_image(recorder.only_call()) == expected


def test_fail_fast_for_dagger_check(recorder: Recorder) -> None:
    result = recorder.make("check", "FAIL_FAST=1", "CHECKS=lint mypy")
    assert result.returncode == 0, result.stderr
    assert after_image(recorder.only_call()) == ["check", "--no-generate", "--failfast", "lint", "mypy"]


def test_check_runs_the_four_checks_not_fix_as_a_generator(recorder: Recorder) -> None:
    """Since Dagger 0.21 every @generate function is also a check: --no-generate keeps `fix` out of it."""
    result = recorder.make("-n", "check")
    assert result.returncode == 0, result.stderr
    assert "check --no-generate" in result.stdout
    assert recorder.calls() == []
    help_text = recorder.make("help").stdout
    assert re.search(r"^  check +The four checks \(lint, format, mypy, ruff\).*--no-generate", help_text, re.MULTILINE)


def test_terminal_gets_interactive_tty(recorder: Recorder) -> None:
    """In a terminal the container gets -i and -t (colours, prompts, Ctrl-C)."""
    returncode, output = recorder.make_in_terminal("lint")
    assert returncode == 0, output
    argv = recorder.only_call()
    before = argv[: argv.index(IMAGE)]
    assert "--interactive" in before
    assert "--tty" in before
    assert after_image(argv) == [*CALL, "lint"]


def test_fix_in_a_terminal_previews_and_asks(recorder: Recorder) -> None:
    returncode, output = recorder.make_in_terminal("fix")
    assert returncode == 0, output
    assert after_image(recorder.only_call()) == [*CALL, "fix"]


def test_fix_yes_applies_without_asking_even_in_a_terminal(recorder: Recorder) -> None:
    returncode, output = recorder.make_in_terminal("fix", "YES=1")
    assert returncode == 0, output
    expected = ["call", "--auto-apply", "--source-path", "src", "--config-path", ".config", "fix"]
    assert after_image(recorder.only_call()) == expected


def test_exit_code_of_dagger_fails_make(recorder: Recorder) -> None:
    """docker run returns dagger's exit code; make must fail with it, not swallow it."""
    result = recorder.make("lint", env={"FAKE_DOCKER_EXIT": "3"})
    assert result.returncode != 0
    assert "Error 3" in result.stderr
    assert len(recorder.calls()) == 1


def test_dagger_variables_pass_by_name_only(recorder: Recorder) -> None:
    """Secrets reach docker's environment, never its command line nor make's output."""
    secret = "s3cr3t-token-value"
    result = recorder.make(
        "lint",
        "DAGGER_PROGRESS=plain",
        env={"DAGGER_CLOUD_TOKEN": secret, "DAGGER_SOMETHING_NEW": "1", "DAGGER_VERSION": DAGGER_VERSION},
    )
    assert result.returncode == 0, result.stderr
    call = recorder.calls()[0]
    argv: list[str] = call["argv"]
    passed = option_values(argv[: argv.index(IMAGE)], "--env")
    assert set(passed) == {"DAGGER_CLOUD_TOKEN", "DAGGER_PROGRESS", "DAGGER_SOMETHING_NEW"}
    assert all("=" not in name for name in passed), passed
    assert "DAGGER_VERSION" not in passed
    assert secret not in " ".join(argv)
    assert secret not in result.stdout + result.stderr
    assert call["env"]["DAGGER_CLOUD_TOKEN"] == secret
    assert call["env"]["DAGGER_PROGRESS"] == "plain"


def test_only_dagger_variables_that_are_set_are_passed(recorder: Recorder) -> None:
    """`--env NAME` for an unset NAME would unset it in the container, dropping the image's DAGGER_NO_UPDATE_CHECK."""
    result = recorder.make("lint")
    assert result.returncode == 0, result.stderr
    argv = recorder.only_call()
    assert option_values(argv[: argv.index(IMAGE)], "--env") == []

    set_now = {
        "DAGGER_NO_UPDATE_CHECK": "0",
        "DAGGER_LEAVE_OLD_ENGINE": "",
        "_EXPERIMENTAL_DAGGER_RUNNER_HOST": "tcp://x",
    }
    result = recorder.make("lint", env=set_now)
    assert result.returncode == 0, result.stderr
    call = recorder.calls()[-1]
    argv = call["argv"]
    passed = option_values(argv[: argv.index(IMAGE)], "--env")
    assert sorted(passed) == sorted(set_now), "set ones, even empty, and no other"
    assert not [arg for arg in argv if "tcp://x" in arg], "by name, never with the value"
    assert {name: call["env"][name] for name in set_now} == set_now


def test_build(recorder: Recorder) -> None:
    result = recorder.make("build")
    assert result.returncode == 0, result.stderr
    images = YAML(typ="safe", pure=True).load((REPO / ".docker" / "images.yml").read_text(encoding="utf-8"))[
        "variables"
    ]
    docker_cli = component_inputs()["image"]["default"]
    assert recorder.only_call() == [
        "build",
        "--build-arg",
        f"DAGGER_VERSION={DAGGER_VERSION}",
        "--build-arg",
        f"DOCKER_CLI_IMAGE={docker_cli}",
        "--build-arg",
        f"DEBIAN_IMAGE={images['QG_DEBIAN_IMAGE']}",
        "--tag",
        IMAGE,
        "--file",
        str(REPO / ".docker" / "Dockerfile"),
        str(REPO / ".docker"),
    ]


def test_build_without_a_pinned_base_says_which_and_where(recorder: Recorder, project: Path) -> None:
    """The docker client is the component's `image` default, Debian is in images.yml: either missing, one line."""
    component = project / "templates" / "quality-gate.yml"
    pinned = component.read_text(encoding="utf-8")
    default = f'      default: "{component_inputs()["image"]["default"]}"\n'
    assert pinned.count(default) == 1
    component.write_text(pinned.replace(default, ""), encoding="utf-8")
    result = recorder.make("build", directory=project)
    assert result.returncode == 2
    assert f"No default of the image input in {component}" in result.stderr
    component.write_text(pinned, encoding="utf-8")
    (project / ".docker" / "images.yml").write_text("variables: {}\n", encoding="utf-8")
    result = recorder.make("build", directory=project)
    assert result.returncode == 2
    assert f"No QG_DEBIAN_IMAGE in {project / '.docker' / 'images.yml'}" in result.stderr
    assert not recorder.log.exists(), "docker never called"


def test_dagger_version_follows_dagger_json(recorder: Recorder) -> None:
    assert DAGGER_VERSION == "0.21.11"
    result = recorder.make("build", "DAGGER_VERSION=0.22.0")
    assert result.returncode == 0, result.stderr
    argv = recorder.only_call()
    assert "DAGGER_VERSION=0.22.0" in argv
    assert "quality-gate-dagger:0.22.0" in argv


def test_dagger_version_in_the_environment_is_ignored(recorder: Recorder) -> None:
    """Only the command line overrides it: an exported DAGGER_VERSION (install scripts use that name) does not."""
    result = recorder.make("build", env={"DAGGER_VERSION": "0.19.0"})
    assert result.returncode == 0, result.stderr
    assert f"DAGGER_VERSION={DAGGER_VERSION}" in recorder.only_call()


def test_bash_without_terminal_keeps_stdin(recorder: Recorder) -> None:
    result = recorder.make("bash")
    assert result.returncode == 0, result.stderr
    argv = recorder.only_call()
    assert_docker_run_shape(argv, recorder)
    before = argv[: argv.index(IMAGE)]
    assert "--interactive" in before
    assert "--tty" not in before
    assert option_values(before, "--entrypoint") == ["/bin/bash"]
    assert after_image(argv) == []


def test_bash_in_a_terminal(recorder: Recorder) -> None:
    returncode, output = recorder.make_in_terminal("bash")
    assert returncode == 0, output
    argv = recorder.only_call()
    before = argv[: argv.index(IMAGE)]
    assert {"--interactive", "--tty"} <= set(before)
    assert option_values(before, "--entrypoint") == ["/bin/bash"]


def test_remove(recorder: Recorder) -> None:
    result = recorder.make("remove")
    assert result.returncode == 0, result.stderr
    assert recorder.only_call() == ["image", "rm", IMAGE]


def test_missing_socket_is_a_clear_error(recorder: Recorder, tmp_path: Path) -> None:
    result = subprocess.run(
        ["make", "--no-print-directory", "-C", str(REPO), "lint", f"DOCKER_SOCKET={tmp_path / 'absent.sock'}"],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env=recorder.env(),
        check=False,
    )
    assert result.returncode != 0
    assert "No Docker socket" in result.stderr
    assert "DOCKER_SOCKET" in result.stderr
    assert recorder.calls() == []


def test_help_lists_every_target_once(recorder: Recorder) -> None:
    result = recorder.make("help")
    assert result.returncode == 0, result.stderr
    listed = re.findall(r"^  ([a-z][a-z0-9-]*) ", result.stdout, re.MULTILINE)
    targets = rule_targets()
    assert sorted(listed) == sorted(targets)
    assert sorted(phony_targets()) == sorted(targets)
    required = {"build", "bash", "help", *single(), "run-all", "report", "fix", "check"}
    required |= {"remove", "venv", "test", "pins", "generate", "bench"}
    required |= {f"local-{cmd}" for cmd in (*single(), "run-all", "report", "fix", "baseline")}
    assert required <= set(targets)
    assert recorder.calls() == []


def test_dry_run_of_every_target(recorder: Recorder) -> None:
    """`make -n` expands every target's recipe without error and runs nothing."""
    for target in phony_targets():
        # PYTHON given: finding one (tested below) runs each candidate, a pyenv shim takes seconds.
        result = recorder.make("-n", target, f"PYTHON={sys.executable}")
        assert result.returncode == 0, f"make -n {target}: {result.stderr}"
    assert recorder.calls() == []


def test_mbake_validate() -> None:
    result = subprocess.run([tool("mbake"), "validate", str(MAKEFILE)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


# ---------------------------------------------------------------- local runner --


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the makefile and the files its rules depend on, with a recording .venv/bin/python."""
    return make_project(tmp_path / "project")


def make_project(root: Path) -> Path:
    """The makefile and what its rules read, in `root`, with recording .venv and .venv-tests pythons (and the
    gate's command and pip in .venv)."""
    copied = (
        *("makefile", "dagger.json", ".docker/images.yml", "templates/quality-gate.yml"),
        *(".config/requirements.txt", "tests/requirements.txt"),
        *("pyproject.toml", ".packaging/build-requirements.txt"),
        *TEST_TOOL_INPUTS,
    )
    for name in copied:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / name, root / name)
    # The venvs, the gate's package and the test tools are up to date: stamps newer than what they are made from.
    stamp_time = max((root / name).stat().st_mtime for name in copied) + 10
    recorded = {".venv": ("python", "quality-gate", "pip"), ".venv-tests": ("python",)}
    stamps = {".venv": (".quality-gate-tools", ".quality-gate-package", "build-backend/.installed")}
    for venv, programs in recorded.items():
        bin_dir = root / venv / "bin"
        bin_dir.mkdir(parents=True)
        for program in programs:
            write_executable(bin_dir / program, RECORDING_PROGRAM.format(python=sys.executable, venv=venv))
        for stamp in stamps.get(venv, (".quality-gate-tests",)):
            (root / venv / stamp).parent.mkdir(parents=True, exist_ok=True)
            (root / venv / stamp).touch()
            os.utime(root / venv / stamp, (stamp_time, stamp_time))
    for output in TEST_TOOL_OUTPUTS:
        (root / output).parent.mkdir(parents=True, exist_ok=True)
        (root / output).touch()
        os.utime(root / output, (stamp_time, stamp_time))
    return root


# A program of a venv that records how it was called (its name, arguments, PYTHONPATH, directory) and exits with
# FAKE_PYTHON_EXIT.
RECORDING_PROGRAM = """#!{python}
import json, os, sys
with open(os.environ['FAKE_PYTHON_LOG'], 'a', encoding='utf-8') as log:
    record = {{'program': os.path.basename(sys.argv[0]), 'argv': sys.argv[1:],
              'pythonpath': os.environ.get('PYTHONPATH'), 'cwd': os.getcwd(), 'venv': {venv!r}}}
    log.write(json.dumps(record) + '\\n')
sys.exit(int(os.environ.get('FAKE_PYTHON_EXIT', '0')))
"""

# What `make test-tools` reads, and what it leaves behind.
TEST_TOOL_INPUTS = (
    "tests/container/sdk-sdist.txt",
    ".ci/gitlab-ci-local/package-lock.json",
    ".pipeline/uv.lock",
    ".pipeline/pyproject.toml",
    "tests/helpers/runtime_env.py",
)
TEST_TOOL_OUTPUTS = (
    ".tools/dagger-io-sdist/.downloaded",
    ".tools/wheels/.downloaded",
    ".tools/runtime-uv-cache/.prefetched",
    ".ci/gitlab-ci-local/node_modules/.bin/gitlab-ci-local",
)


def python_calls(log: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()] if log.exists() else []


def local_calls(
    recorder: Recorder, target: str, variables: list[str], directory: Path, log: Path
) -> list[dict[str, Any]]:
    """`make TARGET VARIABLES...` run from `directory`, which must succeed: the interpreter's calls it logged."""
    result = recorder.make(target, *variables, env={"FAKE_PYTHON_LOG": str(log)}, directory=directory)
    assert result.returncode == 0, result.stderr
    return python_calls(log)


LOCAL_TARGETS = [
    *((f"local-{function}", [], [function, "--source", "src", "--config", ".config"]) for function in single()),
    ("local-run-all", [], ["run-all", "--source", "src", "--config", ".config"]),
    ("local-run-all", ["FAIL_FAST=1"], ["run-all", "--source", "src", "--config", ".config", "--fail-fast"]),
    ("local-report", [], ["report", "--source", "src", "--config", ".config", "--output", "reports"]),
    ("local-baseline", [], ["baseline", "--source", "src", "--config", ".config"]),
    ("local-baseline", ["RESET=1"], ["baseline", "--source", "src", "--config", ".config", "--reset"]),
    ("local-fix", ["SOURCE=app"], ["fix", "--source", "app", "--config", ".config"]),
    ("local-fix", ["YES=1"], ["fix", "--source", "src", "--config", ".config", "--yes"]),
    ("local-fix-undo", [], ["fix", "--undo"]),
    ("local-run-all", ["NO_CACHE=1"], ["run-all", "--source", "src", "--config", ".config", "--no-cache"]),
]


@pytest.mark.parametrize(("target", "variables", "runner_args"), LOCAL_TARGETS)
def test_local_runner_targets(  # pylint: disable=too-many-arguments,too-many-positional-arguments  # fixtures
    recorder: Recorder, project: Path, tmp_path: Path, target: str, variables: list[str], runner_args: list[str]
) -> None:
    calls = local_calls(recorder, target, variables, project, tmp_path / "python.log")
    assert len(calls) == 1, calls
    assert calls[0]["program"] == "quality-gate", "the gate's command, installed in .venv by make venv"
    assert calls[0]["argv"] == runner_args
    assert calls[0]["pythonpath"] is None, "the installed package, not the checkout's source"
    assert calls[0]["venv"] == ".venv"
    assert calls[0]["cwd"] == str(project)
    assert recorder.calls() == [], "the local runner never calls docker"


@pytest.mark.parametrize("code", ["1", "2"])
def test_local_runner_exit_code_fails_make(recorder: Recorder, project: Path, tmp_path: Path, code: str) -> None:
    env = {"FAKE_PYTHON_LOG": str(tmp_path / "python.log"), "FAKE_PYTHON_EXIT": code}
    result = recorder.make("local-lint", env=env, directory=project)
    assert result.returncode != 0
    assert f"Error {code}" in result.stderr


def test_test_and_bench_use_the_venv(recorder: Recorder, project: Path, tmp_path: Path) -> None:
    log = tmp_path / "python.log"
    for target in ("test", "bench"):
        result = recorder.make(target, env={"FAKE_PYTHON_LOG": str(log)}, directory=project)
        assert result.returncode == 0, result.stderr
    calls = [(call["venv"], call["program"], call["argv"]) for call in python_calls(log)]
    assert calls == [(".venv-tests", "python", ["-m", "pytest", "tests"]), (".venv", "python", ["benchmarks/run.py"])]


def test_venv_uses_the_first_python_that_runs(recorder: Recorder, project: Path) -> None:
    """A python3.13 that exists but fails (a pyenv shim without PYENV_VERSION) is skipped."""
    shutil.rmtree(project / ".venv")
    shim = "#!/bin/sh\necho 'pyenv: python3.13: command not found' >&2\nexit 127\n"
    write_executable(recorder.bin_dir / "python3.13", shim)
    result = recorder.make("-n", "venv", directory=project)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "python3 -m venv .venv"
    assert ".venv/bin/pip install --require-hashes -r .config/requirements.txt" in lines
    assert_installs_the_gate(lines, project)

    write_executable(recorder.bin_dir / "python3.13", f'#!/bin/sh\nexec {sys.executable} "$@"\n')
    result = recorder.make("-n", "venv", directory=project)
    assert result.stdout.splitlines()[0] == "python3.13 -m venv .venv"

    result = recorder.make("-n", "venv", "PYTHON=/opt/py/bin/python3", directory=project)
    assert result.stdout.splitlines()[0] == "/opt/py/bin/python3 -m venv .venv"


def assert_installs_the_gate(lines: list[str], root: Path) -> None:
    """After the pins: the build backend, hash-checked, outside site-packages; then the gate from the checkout,
    without dependencies, index or build isolation (so without network once the backend is there)."""
    joined = " ".join(line.rstrip("\\").strip() for line in lines)
    backend = (
        ".venv/bin/pip install --quiet --require-hashes --no-deps --target .venv/build-backend "
        "-r .packaging/build-requirements.txt"
    )
    gate = (
        f"PYTHONPATH='{root}/.venv/build-backend' .venv/bin/pip install --quiet --no-deps --no-index "
        "--no-build-isolation --force-reinstall ."
    )
    assert backend in joined and gate in joined, joined
    assert joined.index("-r .config/requirements.txt") < joined.index(backend) < joined.index(gate)


def test_venv_installs_the_gate_from_the_checkout_and_nothing_else(
    recorder: Recorder, project: Path, tmp_path: Path
) -> None:
    """An edit of the gate's source reinstalls it (offline: the backend is kept); another project's pyproject.toml
    (this makefile copied into your repository) is never installed into the tools' environment."""
    log = tmp_path / "python.log"
    source = project / ".pipeline" / "src" / "quality_gate" / "cli.py"
    source.parent.mkdir(parents=True)
    source.write_text("", encoding="utf-8")  # newer than the stamps: the gate is reinstalled, not the rest
    result = recorder.make("venv", env={"FAKE_PYTHON_LOG": str(log)}, directory=project)
    assert result.returncode == 0, result.stderr
    pip = [call["argv"] for call in python_calls(log) if call["program"] == "pip"]
    assert pip == [["install", "--quiet", "--no-deps", "--no-index", "--no-build-isolation", "--force-reinstall", "."]]
    assert [call["pythonpath"] for call in python_calls(log)] == [str(project / ".venv" / "build-backend")]

    log.unlink()
    pyproject = project / "pyproject.toml"
    pyproject.write_text('[project]\nname = "my-app"\nversion = "1.0"\n', encoding="utf-8")
    result = recorder.make("local-lint", env={"FAKE_PYTHON_LOG": str(log)}, directory=project)
    assert result.returncode != 0
    assert (
        "The local-* targets install the gate from this checkout, and ./pyproject.toml is not the gate's: install "
        "the gate with pipx or uvx instead (docs/local-runner.md)" in result.stderr.splitlines()
    ), result.stderr
    assert python_calls(log) == [], "neither pip nor the gate ran"


def test_test_target_installs_the_tests_own_venv_with_hashes(recorder: Recorder, project: Path) -> None:
    """The tests get an environment of their own: what they install never reaches the tools' .venv."""
    (project / ".venv-tests" / ".quality-gate-tests").unlink()
    result = recorder.make("-n", "test", "PYTHON=python3", directory=project)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "python3 -m venv .venv-tests",
        ".venv-tests/bin/pip install --require-hashes -r .config/requirements.txt -r tests/requirements.txt",
        "touch .venv-tests/.quality-gate-tests",
        ".venv-tests/bin/python -m pytest tests",
    ]
    assert not any(".venv/" in line for line in result.stdout.splitlines())


def test_test_tools_fetches_the_sdist_hash_checked_and_gitlab_ci_local_pinned(
    recorder: Recorder, project: Path
) -> None:
    for output in TEST_TOOL_OUTPUTS:
        (project / output).unlink()
    result = recorder.make("-n", "test", directory=project)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    download = next(line for line in lines if "pip download" in line.replace("\\", " "))
    assert ".venv/bin/python -m pip download" in download
    joined = " ".join(line.rstrip("\\") for line in lines)
    for part in ("--no-deps", "--no-binary dagger-io", "--require-hashes", "-r tests/container/sdk-sdist.txt"):
        assert part in joined, part
    wheels = next(line for line in lines if "-r .config/requirements.txt -r .packaging/build-requirements.txt" in line)
    assert lines[lines.index(wheels) - 1].strip() == (
        ".venv/bin/python -m pip download --quiet --only-binary :all: --require-hashes \\"
    ), "the wheelhouse: the pins' and the build backend's wheels, hash-checked"
    assert lines[lines.index(wheels) + 1] == "touch .tools/wheels/.downloaded"
    assert "npm ci --prefix .ci/gitlab-ci-local" in result.stdout
    assert ".venv-tests/bin/python tests/helpers/runtime_env.py --prefetch" in lines, "the module's wheels, once"
    assert lines[-1] == ".venv-tests/bin/python -m pytest tests", "the tools first, then the tests"
    pinned = (REPO / "tests/container/sdk-sdist.txt").read_text(encoding="utf-8")
    assert re.search(r"^dagger-io==0\.21\.11 --hash=sha256:[0-9a-f]{64}$", pinned, re.MULTILINE)


def test_pins_compiles_both_lists(recorder: Recorder, project: Path) -> None:
    result = recorder.make("-n", "pins", directory=project)
    assert result.returncode == 0, result.stderr
    uv = f"'{project}/.venv-tests/bin/uv' pip compile --universal --generate-hashes --python-version 3.11"
    assert result.stdout.splitlines() == [
        f"cd .config && {uv} requirements.in -o requirements.txt",
        f"cd tests && {uv} requirements.in -o requirements.txt",
        f"cd .packaging && {uv} build-requirements.in -o build-requirements.txt",
    ]


# ------------------------------------------------------- hostile checkout path --

# A space, both quotes, a comma (docker's --mount is CSV), and two command substitutions.
HOSTILE = 'my projects/it\'s "q", $(touch PWNED) `touch PWNED2`'


@pytest.fixture
def hostile(tmp_path: Path) -> Iterator[Path]:
    """A checkout under a folder whose name the shell (and docker's CSV) would misread; nothing may run from it."""
    root = make_project(tmp_path / HOSTILE / "repo")
    yield root
    assert not list(tmp_path.rglob("PWNED*")), "a path was executed as a command"
    assert not list(Path.cwd().glob("PWNED*")) and not list(REPO.glob("PWNED*"))


def test_each_project_names_its_own_cache_volumes(recorder: Recorder, hostile: Path) -> None:
    """Two projects on one Docker never share the engine's state: the name comes from the origin, else the path."""
    assert recorder.make("lint").returncode == 0
    assert recorder.make("lint", directory=hostile).returncode == 0
    assert recorder.make("lint", "PROJECT=group/app").returncode == 0
    named = [argv[argv.index("--project") + 1] for argv in (call["argv"] for call in recorder.calls())]
    assert named[:2] == [project_of(REPO), project_of(hostile)]
    assert named[0] != named[1], "two checkouts of different projects"
    assert named[2] == "group/app", "PROJECT= chooses it (as CI passes its project's path)"


@pytest.mark.parametrize("target", ["lint", "run-all", "report", "fix", "check", "functions", "bash"])
def test_docker_targets_under_a_hostile_path(recorder: Recorder, hostile: Path, target: str) -> None:
    result = recorder.make(target, directory=hostile)
    assert result.returncode == 0, result.stderr
    argv = recorder.only_call()
    assert_docker_run_shape(argv, recorder, root=hostile)


def test_makefile_called_from_elsewhere_still_mounts_its_own_folder(
    recorder: Recorder, hostile: Path, tmp_path: Path
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    result = subprocess.run(
        [
            "make",
            "--no-print-directory",
            "-f",
            str(hostile / "makefile"),
            "lint",
            f"DOCKER_SOCKET={recorder.socket_path}",
        ],
        cwd=elsewhere,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env=recorder.env(),
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert_docker_run_shape(recorder.only_call(), recorder, root=hostile)


def test_build_under_a_hostile_path(recorder: Recorder, hostile: Path) -> None:
    result = recorder.make("build", directory=hostile)
    assert result.returncode == 0, result.stderr
    argv = recorder.only_call()
    assert argv[-3:] == ["--file", str(hostile / ".docker" / "Dockerfile"), str(hostile / ".docker")]
    assert f"DAGGER_VERSION={DAGGER_VERSION}" in argv


def test_hostile_values_of_variables_stay_single_arguments(recorder: Recorder) -> None:
    weird = "it's $(touch PWNED), a dir"
    given = weird.replace("$", "$$")  # make's own syntax for a literal $ in a variable's value
    result = recorder.make("report", f"SOURCE={given}", f"CONFIG={given}/c", f"REPORTS={given}/r")
    assert result.returncode == 0, result.stderr
    assert after_image(recorder.only_call()) == [
        "call",
        "--source-path",
        weird,
        "--config-path",
        f"{weird}/c",
        "report",
        "export",
        f"--path={weird}/r",
    ]
    result = recorder.make("baseline", f"CONFIG={given}/c")
    assert result.returncode == 0, result.stderr
    assert after_image(recorder.calls()[-1]["argv"])[-2:] == ["export", f"--path={weird}/c/{BASELINE_FILE}"]
    assert not list(REPO.glob("PWNED*"))


@pytest.mark.parametrize(("target", "variables", "runner_args"), LOCAL_TARGETS[:1] + LOCAL_TARGETS[-2:])
def test_local_targets_under_a_hostile_path(  # pylint: disable=too-many-arguments,too-many-positional-arguments
    recorder: Recorder, hostile: Path, tmp_path: Path, target: str, variables: list[str], runner_args: list[str]
) -> None:
    calls = local_calls(recorder, target, variables, hostile, tmp_path / "python.log")
    assert [(call["program"], call["argv"]) for call in calls] == [("quality-gate", runner_args)]
    assert calls[0]["cwd"] == str(hostile)


def test_pins_under_a_hostile_path(recorder: Recorder, hostile: Path) -> None:
    result = recorder.make("-n", "pins", directory=hostile)
    assert result.returncode == 0, result.stderr
    first = shlex.split(result.stdout.splitlines()[0])
    assert first[3] == f"{hostile}/.venv-tests/bin/uv"


@pytest.mark.parametrize(
    "manifest",
    [
        '{"name": "q", "engineVersion": "v0.21.11", "source": ".pipeline"}',
        '{\n  "engineVersion" : "0.21.11",\n  "name": "q"\n}\n',
        '{"engineVersion":"v0.21.11"}',
    ],
    ids=["one-line", "spaced-no-v", "compact"],
)
def test_dagger_json_is_read_by_make_itself(recorder: Recorder, tmp_path: Path, manifest: str) -> None:
    root = make_project(tmp_path / "repo")
    (root / "dagger.json").write_text(manifest, encoding="utf-8")
    result = recorder.make("help", directory=root)
    assert result.returncode == 0, result.stderr
    assert f"DAGGER_VERSION={DAGGER_VERSION}" in result.stdout


def test_dagger_json_without_engine_version_is_a_clear_error(recorder: Recorder, tmp_path: Path) -> None:
    root = make_project(tmp_path / "repo")
    (root / "dagger.json").write_text('{"name": "q"}', encoding="utf-8")
    result = recorder.make("build", directory=root)
    assert result.returncode != 0
    assert "No engineVersion read from" in result.stderr and "DAGGER_VERSION=" in result.stderr
    assert recorder.calls() == []
