"""Every image the gate's delivery pulls is pinned by tag and digest, and each is stated in one place.

The GitLab CI component's inputs (templates/quality-gate.yml) hold the jobs' images as defaults, the docker
client and the Docker-in-Docker service: the component runs in projects that have none of this repository's
files, so it must hold them itself, and `make build` reads the docker client from there for the Dockerfile.
.docker/images.yml holds the one base only the Dockerfile uses (Debian); `[tool.dagger] base-image` in
.pipeline/pyproject.toml holds the module's, which the Dagger runtime reads and the module's toolbox starts
from. Nothing else names an image.
"""

# Test names say what each test proves; pytest fixtures arrive as parameters named like the fixture.
# pylint: disable=missing-function-docstring

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

import pytest
from _delivery import component_inputs
from helpers.paths import REPO
from quality_gate.container import runner as dagger_runner
from ruamel.yaml import YAML

IMAGES_FILE = REPO / ".docker" / "images.yml"
PINNED = re.compile(r"(?P<name>[a-z0-9./-]+):(?P<tag>[A-Za-z0-9._-]+)@sha256:[0-9a-f]{64}")
# Where an image can be named: the delivery files and the module's source.
DELIVERY = [".gitlab-ci.yml", ".docker/gitlab-ci-dind.yml", ".docker/Dockerfile", "makefile", "dagger.json"]
COMPONENT_IMAGES = ("image", "dind_image")
# An image reference by name and tag (a host and port, `docker:2376`, is not one; `docker:29.1.3-cli` is).
IMAGE_WORDS = re.compile(r"\b(?:python|debian|docker(?:/dockerfile)?|alpine|ubuntu):(?!\d+(?![\w.-]))[0-9a-z][\w.-]*")


def pinned() -> dict[str, str]:
    """The variables of .docker/images.yml."""
    data: dict[str, Any] = YAML(typ="safe", pure=True).load(IMAGES_FILE.read_text(encoding="utf-8"))
    assert set(data) == {"variables"}, 'only variables: the makefile reads `  NAME: "..."` lines'
    return {str(name): str(value) for name, value in data["variables"].items()}


def module_image() -> str:
    """`[tool.dagger] base-image` of the module's pyproject."""
    project = tomllib.loads((REPO / ".pipeline" / "pyproject.toml").read_text(encoding="utf-8"))
    image: str = project["tool"]["dagger"]["base-image"]
    return image


def component_images() -> list[str]:
    """The defaults of the component's image inputs."""
    inputs = component_inputs()
    return [str(inputs[name]["default"]) for name in COMPONENT_IMAGES]


def test_each_image_is_pinned_by_tag_and_digest() -> None:
    images = [*pinned().values(), *component_images(), module_image()]
    assert len(images) == 4
    for image in images:
        assert PINNED.fullmatch(image), f"{image}: name:tag@sha256:<digest>"
        assert not image.split("@")[0].endswith(":latest")
    names = [image.split("@")[0] for image in images]
    assert len(set(names)) == len(names), "each image in one place"


def test_the_component_names_its_images_only_as_input_defaults() -> None:
    """In the jobs, the images are the inputs; the header states each once, as its default."""
    header, jobs = (REPO / "templates" / "quality-gate.yml").read_text(encoding="utf-8").split("\n---\n")
    assert IMAGE_WORDS.findall(jobs) == [], "the jobs take their images from the inputs"
    stated = [image.split("@")[0] for image in component_images()]
    assert sorted(IMAGE_WORDS.findall(header)) == sorted(stated)


def test_the_module_and_its_tools_run_on_the_runtimes_python() -> None:
    version = (REPO / ".pipeline" / ".python-version").read_text(encoding="utf-8").strip()
    match = PINNED.fullmatch(module_image())
    assert match and match["name"] == "python" and match["tag"] == f"{version}-slim"
    assert module_image() == dagger_runner.PYTHON_IMAGE, "the toolbox starts from the runtime's own image"


def test_the_dockerfile_takes_its_bases_from_the_build_arguments() -> None:
    text = (REPO / ".docker" / "Dockerfile").read_text(encoding="utf-8")
    froms = re.findall(r"^FROM (?:--platform=\S+ )?(\S+)", text, re.MULTILINE)
    assert froms == ["${DOCKER_CLI_IMAGE}", "${DEBIAN_IMAGE}", "${DEBIAN_IMAGE}"]
    declared = re.findall(r"^ARG (DOCKER_CLI_IMAGE|DEBIAN_IMAGE)$", text, re.MULTILINE)
    assert declared == ["DOCKER_CLI_IMAGE", "DEBIAN_IMAGE"], "no default: each is stated in one place, make passes it"
    assert "# syntax=" not in text, "no frontend image pulled by tag: BuildKit's own frontend reads it"


MODULE_SOURCE = sorted(path.relative_to(REPO).as_posix() for path in (REPO / ".pipeline" / "src").rglob("*.py"))


@pytest.mark.parametrize("path", [*DELIVERY, *MODULE_SOURCE])
def test_nothing_else_names_an_image(path: str) -> None:
    lines = (REPO / path).read_text(encoding="utf-8").splitlines()
    code = "\n".join(line for line in lines if not line.lstrip().startswith("#"))
    assert (
        IMAGE_WORDS.findall(code) == []
    ), f"{path}: an image named outside .docker/images.yml, the component's inputs and base-image"


def test_the_word_search_finds_an_image(tmp_path: Path) -> None:
    """The control: the same search sees an image where one is named, a tag that starts with a digit too."""
    assert IMAGE_WORDS.findall((REPO / ".docker" / "images.yml").read_text(encoding="utf-8"))
    named = "image: docker:29.1.3-cli\nservices: [docker:dind]\nvariables: {DOCKER_HOST: tcp://docker:2376}\n"
    assert IMAGE_WORDS.findall(named) == ["docker:29.1.3-cli", "docker:dind"]
    del tmp_path
