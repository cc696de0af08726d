"""The module's functions run without an engine: each answer the engine would give, computed from the query itself.

The SDK builds every query lazily; only its awaits need an engine. Here those awaits (a directory's glob,
entries and exists, a file's contents, a container's sync, exit code and output) are answered by reading the
query's own chain of calls and carrying it out on disk:
- the workspace is `dag.host().directory(<checkout>)`; `directory`, `file`, `withNewFile` and `withDirectory`
  steps are resolved against it or built in a scratch folder; a path that is not there fails the way the
  engine fails (a QueryError), never as an empty answer;
- a container is laid out in a folder of its own that stands for its root: every file, directory, cache volume
  and working directory the chain places there, at that path. Its execs run in order with the container's
  environment only; `python` is the tools' interpreter (a virtual environment that holds exactly
  `.config/requirements.txt`, as the toolbox's `pip install` of that file does), and every absolute path the
  chain placed is read below the folder. Cache volumes are folders kept by name, so state survives from one
  call to the next, as on a warm engine. An exec that fails without `expect=ANY` raises the engine's ExecError.
Nothing here imports pytest, the tests' packages or the tools: the same double runs in the environment the
Dagger runtime builds for the module (tests/container/runtime_probe.py), where only the module's own
dependencies exist.
"""

from __future__ import annotations

import hashlib
import json
import os
import posixpath
import re
import shutil
import subprocess
import tempfile
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import anyio
import dagger
import gql
import pathspec
from dagger import dag
from dagger._exceptions import QueryErrorValue  # how the SDK holds the engine's error (not exported)

Step = tuple[str, dict[str, Any]]
Patch = Callable[[Any, str, Any], None]  # setattr, or pytest's monkeypatch.setattr


def chain(value: Any) -> list[Step]:
    """A lazily built SDK object as (field, arguments) pairs, nested objects as their own chains."""
    selections = value._ctx.selections  # pylint: disable=protected-access  # the SDK's lazily built query
    return [(step.name, {k: _plain(v) for k, v in step.args.items()}) for step in selections]


def _plain(value: Any) -> Any:
    """Nested SDK objects as their own chains, enums as their values, plain values as they are."""
    if hasattr(value, "_ctx"):
        return chain(value)
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return getattr(value, "value", value)


def called(function: Callable[..., Awaitable[Any]], *args: Any) -> Any:
    """A function of the module run to its end (the SDK's decorators hide its signature from mypy)."""
    return anyio.run(function, *args)


def engine_error(message: str, **extensions: Any) -> dagger.QueryError:
    """An error as the SDK raises it for the engine's answer (an ExecError when the extensions say so)."""
    request = gql.GraphQLRequest("{ offline }")
    return dagger.QueryError([QueryErrorValue(message, extensions=extensions)], request)


def _tool_of(module: str) -> str:
    """The tool a `python -m` module runs: itself, or the tool whose driver it is."""
    from quality_gate.checks import CHECKS  # pylint: disable=import-outside-toplevel  # the module under test

    return next((c.name for c in CHECKS.values() if module in {c.tool.module, c.driver}), module)


def _git_ignored(root: Path) -> Callable[[str, list[str]], set[str]]:
    """copytree's ignore: the names that the .gitignore files of their folder or of a folder above match."""

    def ignored(folder: str, names: list[str]) -> set[str]:
        here = Path(folder)
        parts = here.relative_to(root).parts
        specs = []
        for above in [root.joinpath(*parts[:depth]) for depth in range(len(parts) + 1)]:
            rules = above / ".gitignore"
            if rules.is_file():
                specs.append((above, pathspec.GitIgnoreSpec.from_lines(rules.read_text(encoding="utf-8").splitlines())))
        found = set()
        for name in names:
            for above, spec in specs:
                relative = (here / name).relative_to(above).as_posix() + ("/" if (here / name).is_dir() else "")
                if spec.match_file(relative):
                    found.add(name)
        return found

    return ignored


class MissingPathError(Exception):
    """A path a query names is not there."""


@dataclass
class Ran:
    """What a container's last exec gave."""

    exit_code: int
    stdout: str
    stderr: str
    argv: list[str]
    expect_any: bool


@dataclass
class Container:
    """A container laid out under `root`: its environment, working directory, and every path the chain placed."""

    root: Path
    env: dict[str, str] = field(default_factory=dict)
    workdir: str = "/"
    images: list[str] = field(default_factory=list)
    placed: set[str] = field(default_factory=set)

    def at(self, path: str) -> Path:
        """The folder's counterpart of an absolute container path."""
        return self.root / posixpath.normpath(posixpath.join(self.workdir, path)).lstrip("/")

    def map(self, text: str) -> str:
        """A command line argument or variable with every placed absolute path read below the root."""
        tops = {path.strip("/").split("/")[0] for path in self.placed}

        def below(match: re.Match[str]) -> str:
            path = match.group(2)
            return match.group(1) + (str(self.root) + path if path.strip("/").split("/")[0] in tops else path)

        return re.sub(r"(^|[=:,])(/[^\s:=,]*)", below, text)


def _as_method(answer: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
    """A function (which Python binds to the SDK object it is called on) that hands that object to the answer."""

    async def method(asked: Any, *args: Any, **kwargs: Any) -> Any:
        return await answer(asked, *args, **kwargs)

    return method


class Answers:
    """The SDK's awaits, as methods to put in place of the SDK's own: the object asked comes as their argument."""

    def __init__(self, engine: OfflineEngine) -> None:
        self.engine = engine

    async def glob(self, directory: dagger.Directory, pattern: str) -> list[str]:
        """Directory.glob."""
        base = self.engine.resolve(chain(directory))
        return sorted(path.relative_to(base).as_posix() for path in base.glob(pattern) if path.is_file())

    async def entries(self, directory: dagger.Directory, path: str | None = None) -> list[str]:
        """Directory.entries."""
        base = self.engine.resolve(chain(directory) + ([("directory", {"path": path})] if path else []))
        return sorted(entry.name for entry in base.iterdir())

    async def exists(self, directory: dagger.Directory, path: str, **options: Any) -> bool:
        """Directory.exists."""
        found = self.engine.resolve(chain(directory)) / path.lstrip("/")
        wanted = _plain(options.get("expected_type"))
        if wanted == "DIRECTORY_TYPE":
            return found.is_dir()
        if wanted == "REGULAR_TYPE":
            return found.is_file()
        return found.exists()

    async def contents(self, file: dagger.File, **_: Any) -> str:
        """File.contents."""
        steps = chain(file)
        target = self.engine.resolve(steps)
        self.engine.read.append(self.engine.workspace_path(steps))
        return target.read_text(encoding="utf-8")

    async def sync(self, container: dagger.Container) -> dagger.Container:
        """Container.sync: an exec that fails, unless any exit code was expected, raises the engine's ExecError."""
        ran = self.engine.run(container)
        if ran.exit_code and not ran.expect_any:
            raise engine_error(
                f"process {ran.argv!r} did not complete successfully: exit code: {ran.exit_code}",
                _type="EXEC_ERROR",
                cmd=ran.argv,
                exitCode=ran.exit_code,
                stdout=ran.stdout,
                stderr=ran.stderr,
            )
        return container

    async def exit_code(self, container: dagger.Container) -> int:
        """Container.exit_code."""
        await self.sync(container)
        return self.engine.run(container).exit_code

    async def stdout(self, container: dagger.Container) -> str:
        """Container.stdout."""
        await self.sync(container)
        return self.engine.run(container).stdout

    async def stderr(self, container: dagger.Container) -> str:
        """Container.stderr."""
        await self.sync(container)
        return self.engine.run(container).stderr


class OfflineEngine:  # pylint: disable=too-many-instance-attributes  # the engine's state, one field a kind
    """Answers the functions' awaits for the checkout at `root`; `execs` lists the tools it ran, in order."""

    def __init__(self, root: Path, state: Path, tools_python: str, patch: Patch) -> None:
        self.root = root
        self.state = state
        self.tools_python = tools_python
        # The pins the tools' environment was built from: the makefile keeps a copy as the environment's stamp.
        self.pins = Path(tools_python).parents[1] / ".quality-gate-tools"
        self.execs: list[str] = []
        self.read: list[str] = []
        self.images: list[str] = []
        self.volumes: list[str] = []
        self._ran: dict[str, Ran] = {}
        answers = Answers(self)
        for cls, names in ((dagger.Directory, ("glob", "entries", "exists")), (dagger.File, ("contents",))):
            for name in names:
                patch(cls, name, _as_method(getattr(answers, name)))
        for name in ("sync", "exit_code", "stdout", "stderr"):
            patch(dagger.Container, name, _as_method(getattr(answers, name)))

    def workspace(self) -> dagger.Directory:
        """The repository as the module's `workspace` argument brings it."""
        return dag.host().directory(str(self.root))

    def gate(self, source_path: str = "src", config_path: str = ".config", **fields: Any) -> Any:
        """The module's object over the checkout, as the engine would construct it."""
        # pylint: disable-next=import-outside-toplevel  # after the patches
        from quality_gate.container.module import QualityGate

        # The SDK's object_type makes the class a keyword-only dataclass, which mypy cannot see.
        return QualityGate(  # type: ignore[call-arg]
            workspace=self.workspace(), source_path=source_path, config_path=config_path, **fields
        )

    # ------------------------------------------------------------------------------------ directories, files --
    def workspace_path(self, steps: list[Step]) -> str:
        """The path a workspace-rooted chain stands for, from the repository's root (as findings name files)."""
        parts = [args["path"] for name, args in steps[2:] if name in {"directory", "file"}]
        return posixpath.normpath(posixpath.join(".", *parts))

    def resolve(self, steps: list[Step], must_exist: bool = True) -> Path:
        """The file or folder on disk that a Directory or File chain stands for; the engine's error if missing."""
        try:
            return self._resolve(steps, must_exist)
        except MissingPathError as missing:
            raise engine_error(f"{missing}: no such file or directory") from None

    def _resolve(self, steps: list[Step], must_exist: bool) -> Path:
        name, args = steps[0]
        if name == "host":
            (step, where), rest = steps[1], steps[2:]
            assert step == "directory", steps
            base = Path(where["path"])
        elif name == "directory" and not args:
            base, rest = Path(tempfile.mkdtemp(dir=self._scratch())), steps[1:]
        elif name == "file" and "contents" in args:  # dag.file(name, contents)
            made = Path(tempfile.mkdtemp(dir=self._scratch())) / args["name"]
            made.write_text(args["contents"], encoding="utf-8")
            base, rest = made, steps[1:]
        elif name == "container":
            *build, (last, where) = steps
            assert last in {"directory", "file"}, steps
            container = self.lay_out(build)
            return self._checked(container.at(where["path"]), where["path"], must_exist)
        else:
            raise AssertionError(f"the double cannot start a chain with {name}: {steps}")
        for step, where in rest:
            base = self._step(base, step, where, must_exist)
        return base

    def _step(self, base: Path, step: str, where: dict[str, Any], must_exist: bool) -> Path:
        if step in {"directory", "file"}:
            return self._checked(base / where["path"].lstrip("/"), where["path"], must_exist)
        copy = Path(tempfile.mkdtemp(dir=self._scratch()))
        if step == "filter":
            assert where == {"gitignore": True}, f"the double filters by .gitignore only: {where}"
            shutil.copytree(base, copy, dirs_exist_ok=True, symlinks=True, ignore=_git_ignored(base))
            return copy
        shutil.copytree(base, copy, dirs_exist_ok=True, symlinks=True)
        target = copy / where["path"].lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        if step == "withNewFile":
            target.write_text(where["contents"], encoding="utf-8")
        elif step == "withDirectory":
            shutil.copytree(self._resolve(where["source"], True), target, dirs_exist_ok=True, symlinks=True)
        else:
            raise AssertionError(f"the double does not know the directory step {step}")
        return copy

    @staticmethod
    def _checked(path: Path, given: str, must_exist: bool) -> Path:
        if must_exist and not path.exists():
            raise MissingPathError(given)
        return path

    def _scratch(self) -> Path:
        scratch = self.state / "scratch"
        scratch.mkdir(parents=True, exist_ok=True)
        return scratch

    # ----------------------------------------------------------------------------------------------- containers --
    def run(self, container: dagger.Container) -> Ran:
        """The container's execs carried out (once per chain, as the engine caches them): the last one's result."""
        steps = chain(container)
        key = json.dumps(steps, sort_keys=True) + self._workspace_digest()  # a new session reads the host anew
        if key not in self._ran:
            self._ran[key] = self._last_exec(steps)
        return self._ran[key]

    def _workspace_digest(self) -> str:
        digest = hashlib.sha256()
        for path in sorted(self.root.rglob("*")):
            if path.is_file():
                digest.update(path.relative_to(self.root).as_posix().encode() + b"\0" + path.read_bytes())
        return digest.hexdigest()

    def _last_exec(self, steps: list[Step]) -> Ran:
        execs = [index for index, (name, _) in enumerate(steps) if name == "withExec"]
        assert execs, "a container without an exec has nothing to run"
        ran = self._exec(self.lay_out(steps[: execs[-1]]), steps[execs[-1]][1])
        return ran

    def lay_out(self, steps: list[Step]) -> Container:
        """A fresh folder laid out as the chain's container, every exec in it run in order."""
        assert steps[0] == ("container", {}), steps
        container = Container(Path(tempfile.mkdtemp(dir=self._scratch())))
        for name, args in steps[1:]:
            self._container_step(container, name, args)
        return container

    def _container_step(self, container: Container, name: str, args: dict[str, Any]) -> None:
        if name == "from":
            container.images.append(args["address"])
            self.images.append(args["address"])
        elif name == "withEnvVariable":
            container.env[args["name"]] = args["value"]
        elif name == "withWorkdir":
            container.workdir = posixpath.normpath(posixpath.join(container.workdir, args["path"]))
            container.placed.add(container.workdir)
            container.at(".").mkdir(parents=True, exist_ok=True)
        elif name == "withMountedCache":
            [(kind, volume)] = args["cache"]
            assert kind == "cacheVolume", args
            self.volumes.append(volume["key"])
            kept = self.state / "volumes" / hashlib.sha256(volume["key"].encode()).hexdigest()[:16]
            kept.mkdir(parents=True, exist_ok=True)
            self._place(container, args["path"]).symlink_to(kept, target_is_directory=True)
        elif name in {"withFile", "withMountedFile"}:
            shutil.copyfile(self.resolve(args["source"]), self._place(container, args["path"]))
        elif name == "withNewFile":
            self._place(container, args["path"]).write_text(args["contents"], encoding="utf-8")
        elif name in {"withDirectory", "withMountedDirectory"}:
            source = self.resolve(args["source"])
            shutil.copytree(source, self._place(container, args["path"]), dirs_exist_ok=True, symlinks=True)
        elif name == "withExec":
            self._exec(container, args)
        else:
            raise AssertionError(f"the double does not know the container step {name}: {args}")

    @staticmethod
    def _place(container: Container, path: str) -> Path:
        absolute = posixpath.normpath(posixpath.join(container.workdir, path))
        container.placed.add(absolute)
        target = container.at(absolute)
        target.parent.mkdir(parents=True, exist_ok=True)
        return target

    def _exec(self, container: Container, args: dict[str, Any]) -> Ran:
        argv: list[str] = list(args["args"])
        expect_any = args.get("expect") == "ANY"
        if argv[:2] == ["pip", "install"]:
            return self._toolbox_install(container, argv)
        command = [self.tools_python if argv[0] == "python" else argv[0], *map(container.map, argv[1:])]
        if "-m" in argv:
            self.execs.append(_tool_of(argv[argv.index("-m") + 1]))
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8", "HOME": str(container.at("/root"))}
        env.update({name: container.map(value) for name, value in container.env.items()})
        done = subprocess.run(
            command, cwd=container.at("."), env=env, capture_output=True, text=True, check=False, timeout=600
        )
        strip = str(container.root)  # the tools' own output names container paths, as in the engine
        return Ran(done.returncode, done.stdout.replace(strip, ""), done.stderr.replace(strip, ""), argv, expect_any)

    def _toolbox_install(self, container: Container, argv: list[str]) -> Ran:
        """The toolbox's hash-checked install: the tools' interpreter stands for it when it holds those pins."""
        files = [argv[index + 1] for index, word in enumerate(argv) if word == "-r"]
        assert len(files) == 1, f"the double installs only the tools' pins, not {files} (project requirements)"
        wanted = container.at(files[0]).read_text(encoding="utf-8")
        held = self.pins.read_text(encoding="utf-8")
        assert wanted == held, f"the toolbox installs pins other than those of {self.tools_python}"
        return Ran(0, "", "", argv, False)
