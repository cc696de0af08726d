"""The runner inside Dagger: the same commands as the local runner, each in a container of the toolbox."""

from __future__ import annotations

import posixpath
import time
import tomllib
from pathlib import Path

import dagger
from dagger import dag

from ..commands import PROJECT_REQUIREMENTS, TOOL_ENVIRONMENT, TOOL_REQUIREMENTS, Command, Execution, Layout, Tool
from ..drivers import launch as driver
from ..errors import QualityGateError

# The module's own project file, beside its source (the Dagger runtime installs the module from it, editable).
MODULE_PROJECT = Path(__file__).resolve().parents[3] / "pyproject.toml"


def module_image() -> str:
    """The image the Dagger runtime builds the module on (`[tool.dagger] base-image`): its tools use it too."""
    image = tomllib.loads(MODULE_PROJECT.read_text(encoding="utf-8"))["tool"]["dagger"]["base-image"]
    assert isinstance(image, str), MODULE_PROJECT
    return image


PYTHON_IMAGE = module_image()
PINS_PATH = "/opt/quality-gate/requirements.txt"
PROJECT_PINS_PATH = "/opt/quality-gate/project-requirements.txt"
WORKDIR = "/gate"
CONFIG_DIR = "/gate-config"
CACHE_ROOT = "/cache"
DRIVER_ROOT = "/opt/quality-gate/driver"  # the package's drivers (pylint, black), for tools that run through one
VOLUME_PREFIX = "quality-gate"  # cache volumes are named <prefix>-<tool>; the module makes the prefix per project
VERDICT_PATH = "/quality-gate/could-not-run.txt"


def toolbox(config: dagger.Directory, project_requirements: bool = False) -> dagger.Container:
    """Python with the pinned tools, installed before any source is mounted so edits never reinstall them.

    With the project's requirements, those follow in a layer of their own, keyed on that file alone (the tools'
    layer below it is unchanged). pip is given the pins again, so a project pin that contradicts a tool's fails
    the install instead of changing the tool.
    """
    tools = (
        dag.container()
        .from_(PYTHON_IMAGE)
        .with_env_variable("PIP_DISABLE_PIP_VERSION_CHECK", "1")
        .with_env_variable("PIP_ROOT_USER_ACTION", "ignore")
        .with_mounted_cache("/root/.cache/pip", dag.cache_volume("quality-gate-pip"))
        .with_file(PINS_PATH, config.file(TOOL_REQUIREMENTS))
        .with_exec(["pip", "install", "--require-hashes", "-r", PINS_PATH])
    )
    if not project_requirements:
        return tools
    return tools.with_file(PROJECT_PINS_PATH, config.file(PROJECT_REQUIREMENTS)).with_exec(
        ["pip", "install", "--require-hashes", "-r", PINS_PATH, "-r", PROJECT_PINS_PATH]
    )


def repository_path(path: str, name: str) -> str:
    """A path inside the repository, normalised ("." for the root); one clear error for anything outside it."""
    if not path.strip():
        raise QualityGateError(f"{name} is empty: name a directory of the repository, like 'src' ('.' for all of it)")
    clean = posixpath.normpath(path.strip())
    if posixpath.isabs(clean) or clean == ".." or clean.startswith("../"):
        raise QualityGateError(f"{name} {path!r} must be relative to the repository root, like 'src'")
    return clean


def source_dir(repository: dagger.Directory, source_path: str) -> dagger.Directory:
    """The code under check: the one folder of the repository that every tool's exec mounts."""
    return repository.directory(repository_path(source_path, "source_path"))


def config_dir(repository: dagger.Directory, config_path: str) -> dagger.Directory:
    """The tools' configuration; each exec mounts only its own file from it."""
    return repository.directory(repository_path(config_path, "config_path"))


def source_mount(source_path: str) -> str:
    """Where the source is mounted: its repository path under WORKDIR, so tools print the repository's paths."""
    clean = repository_path(source_path, "source_path")
    return WORKDIR if clean == "." else posixpath.join(WORKDIR, clean)


def with_source(
    tools: dagger.Container, source: dagger.Directory, source_path: str, writable: bool = False
) -> dagger.Container:
    """The toolbox with the source, ready to run any command.

    The source is mounted for checks; for a fix it is copied in (writable), so the fixed tree can be read back.
    """
    mount = source_mount(source_path)
    with_tree = tools.with_directory(mount, source) if writable else tools.with_mounted_directory(mount, source)
    return with_tree.with_workdir(WORKDIR)


def changes(before: dagger.Directory, after: dagger.Directory, source_path: str) -> dagger.Changeset:
    """The fix as a changeset whose paths start at the repository root, where the CLI applies it.

    The prefix is the source's repository path, the same one the source was read from and mounted at.
    """
    prefix = posixpath.relpath(source_mount(source_path), WORKDIR)
    if prefix == ".":
        return after.changes(before)
    return dag.directory().with_directory(prefix, after).changes(dag.directory().with_directory(prefix, before))


def volume_name(tool: Tool, volumes: str, file_set: str = "") -> str:
    """The cache volume of a tool for a project (`volumes`, the start of its names).

    A tool that keeps its cache per set of files gets one volume per set (`file_set`).
    """
    return f"{volumes}-{tool.name}" + (f"-{file_set}" if tool.cache_per_file_set and file_set else "")


def run_in(container: dagger.Container, command: Command, config: dagger.Directory, volume: str) -> dagger.Container:
    """The exec of one command, with its tool's cache on the cache volume; any exit code is left to the caller.

    Only the tool's own configuration file is mounted, so editing one tool's file keeps the others' results cached.
    """
    tool = command.tool
    cache_dir = posixpath.join(CACHE_ROOT, tool.name)
    for name, value in TOOL_ENVIRONMENT.items():
        container = container.with_env_variable(name, value)
    if command.uses_driver:
        container = with_driver(container)
    return (
        container.with_mounted_file(posixpath.join(CONFIG_DIR, tool.config_file), config.file(tool.config_file))
        .with_mounted_cache(cache_dir, dag.cache_volume(volume))
        .with_env_variable(tool.cache_variable, cache_dir)
        .with_exec(list(command.invocation("python")), expect=dagger.ReturnType.ANY)
    )


def with_driver(container: dagger.Container) -> dagger.Container:
    """The drivers' files (read from this module's own source) and the variables that let the tool import them.

    Its state lives under the tool's cache directory, on the tool's cache volume: a warm engine keeps it between
    pipelines, while the exec itself is keyed on the source, so an unchanged tree is still answered from the cache.
    """
    files = dag.directory()
    for path, text in driver.driver_files().items():
        files = files.with_new_file(path, text)
    container = container.with_directory(DRIVER_ROOT, files)
    for name, value in driver.environment(DRIVER_ROOT, None).items():
        container = container.with_env_variable(name, value)
    return container


def could_not_run(text: str) -> dagger.Container:
    """An exec that prints the text on stderr and exits 2: the one kind of error whose code `dagger call` keeps."""
    return (
        dag.container()
        .from_(PYTHON_IMAGE)
        .with_new_file(VERDICT_PATH, text)
        .with_exec(["sh", "-c", 'cat "$0" >&2; exit 2', VERDICT_PATH])
    )


async def collect(container: dagger.Container) -> Execution:
    """Run the container's last exec and gather what it gave."""
    started = time.perf_counter()
    ran = await container.sync()
    exit_code = await ran.exit_code()
    stdout = await ran.stdout()
    stderr = await ran.stderr()
    return Execution(exit_code, stdout, stderr, time.perf_counter() - started)


def layout(source_path: str) -> Layout:
    """How the checks see the container: the source at its repository path under WORKDIR."""
    mount = source_mount(source_path)
    return Layout(source=posixpath.relpath(mount, WORKDIR), config=CONFIG_DIR, workdir=WORKDIR)


class ContainerRunner:
    """Runs each command in a container of the toolbox with the source, with its tool's cache on a cache volume."""

    def __init__(  # pylint: disable=too-many-arguments  # past layout_in: how volumes are named, and a switch
        self,
        base: dagger.Container,
        config: dagger.Directory,
        layout_in: Layout,
        file_set: str = "",
        *,
        incremental: bool = True,
        volumes: str = VOLUME_PREFIX,
    ) -> None:
        self.base = base
        self.config = config
        self.layout = layout_in
        self.file_set = file_set
        self.volumes = volumes  # the start of this project's cache volume names
        # The state of incremental tools (pylint, black) lives on their cache volumes: reused by the next run on
        # this engine. Off, each tool runs whole, as `--no-cache` makes the local runner do.
        self.incremental = incremental

    def container(self, command: Command) -> dagger.Container:
        """The exec for one command, ready to be run."""
        return run_in(self.base, command, self.config, volume_name(command.tool, self.volumes, self.file_set))

    async def execute(self, command: Command) -> Execution:
        """Run the command in its own container from the base."""
        return await collect(self.container(command))


class ChainRunner:  # pylint: disable=too-few-public-methods  # implements the one-method Runner protocol
    """For fixers: each command runs on the container the previous one left, so the last holds all their work."""

    incremental = False  # a fix runs the fixers on a copy, never through a driver

    def __init__(
        self, base: dagger.Container, config: dagger.Directory, layout_in: Layout, volumes: str = VOLUME_PREFIX
    ) -> None:
        self.container = base
        self.config = config
        self.layout = layout_in
        self.volumes = volumes

    async def execute(self, command: Command) -> Execution:
        """Run the command on top of the previous ones."""
        self.container = run_in(self.container, command, self.config, volume_name(command.tool, self.volumes))
        return await collect(self.container)
