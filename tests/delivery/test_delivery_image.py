"""The CLI image's Dockerfile and its installer, without a Docker engine.

hadolint on the Dockerfile, its parsed instructions asserted, shellcheck on every shell
script, and the installer run for real against a local fake release (file:// URLs), for
both architectures, with a good and a tampered checksum.
"""

# Test names say what each test proves.
# pylint: disable=missing-function-docstring

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from _delivery import component_inputs, dagger_json_version, fake_release, tool
from dockerfile_parse import DockerfileParser  # type: ignore[import-untyped]
from helpers.paths import REPO
from ruamel.yaml import YAML

DOCKER_DIR = REPO / ".docker"
DOCKERFILE = DOCKER_DIR / "Dockerfile"
INSTALLER = DOCKER_DIR / "install-dagger.sh"
SUPPORTED_DEBIAN = {"trixie", "13"}  # bookworm leaves regular security support in 2026
OLD_DEBIAN = {"jessie", "stretch", "buster", "bullseye", "bookworm", "8", "9", "10", "11", "12"}


def instructions() -> list[dict[str, Any]]:
    parser = DockerfileParser(path=str(DOCKERFILE))
    structure: list[dict[str, Any]] = parser.structure
    return structure


def stages() -> list[list[dict[str, Any]]]:
    """The instructions grouped by FROM (global ARGs before the first FROM dropped)."""
    grouped: list[list[dict[str, Any]]] = []
    for instruction in instructions():
        if instruction["instruction"] == "FROM":
            grouped.append([])
        if grouped:
            grouped[-1].append(instruction)
    return grouped


def global_args() -> dict[str, str]:
    """ARG name=default declared before the first FROM."""
    args: dict[str, str] = {}
    for instruction in instructions():
        if instruction["instruction"] == "FROM":
            break
        if instruction["instruction"] == "ARG" and "=" in instruction["value"]:
            name, default = instruction["value"].split("=", 1)
            args[name] = default
    return args


def test_hadolint_clean() -> None:
    result = subprocess.run([tool("hadolint"), str(DOCKERFILE)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == ""


def test_every_hadolint_ignore_has_its_reason() -> None:
    lines = DOCKERFILE.read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines):
        if "hadolint ignore=" in line:
            assert number > 0, "an ignore needs a comment above saying why"
            for rule in re.findall(r"DL\d+|SC\d+", line.split("ignore=", 1)[1]):
                reason = " ".join(lines[max(0, number - 6) : number])
                assert rule in reason, f"line {number + 1}: {rule} is ignored without its reason above"


def test_dagger_version_equals_dagger_json() -> None:
    assert global_args()["DAGGER_VERSION"] == dagger_json_version()
    for stage in stages():
        for instruction in stage:
            if instruction["instruction"] == "ARG" and instruction["value"].startswith("DAGGER_VERSION"):
                assert instruction["value"] == "DAGGER_VERSION", "one default, at the top"


def build_args() -> dict[str, str]:
    """The bases `make build` passes, by the Dockerfile's ARG names: the component's docker client image, and
    .docker/images.yml's Debian."""
    variables = YAML(typ="safe", pure=True).load((DOCKER_DIR / "images.yml").read_text(encoding="utf-8"))["variables"]
    return {"DOCKER_CLI_IMAGE": component_inputs()["image"]["default"], "DEBIAN_IMAGE": variables["QG_DEBIAN_IMAGE"]}


def test_bases_are_pinned_and_supported() -> None:
    args = build_args()
    froms = [stage[0]["value"] for stage in stages()]
    assert len(froms) == 3
    images: list[str] = []
    for value in froms:
        words = [w for w in value.split() if not w.startswith("--platform")]
        image, _, digest = re.sub(r"\$\{(\w+)\}", lambda m: args[m.group(1)], words[0]).partition("@")
        images.append(image)
        assert re.fullmatch(r"sha256:[0-9a-f]{64}", digest), f"{image}: pinned by digest too"
        repository, _, tag = image.partition(":")
        assert tag, f"{image}: pinned by tag"
        assert tag != "latest"
        if repository == "debian":
            release = tag.split("-")[0]
            assert release in SUPPORTED_DEBIAN, f"{image}: not a supported Debian"
            assert release not in OLD_DEBIAN
            assert tag.endswith("-slim")
    assert images[-1].startswith("debian:"), "the final image is Debian"
    assert re.fullmatch(r"docker:\d+\.\d+\.\d+-cli", images[0]), images[0]


def test_download_stage_runs_on_the_build_platform_for_the_target_architecture() -> None:
    download = next(stage for stage in stages() if "AS download" in stage[0]["value"])
    assert download[0]["value"].startswith("--platform=$BUILDPLATFORM ")
    declared = [i["value"] for i in download if i["instruction"] == "ARG"]
    assert "TARGETARCH" in declared
    assert "DAGGER_VERSION" in declared
    runs = [i["value"] for i in download if i["instruction"] == "RUN"]
    install = [run for run in runs if "install-dagger.sh" in run]
    assert install == ['sh /usr/local/bin/install-dagger.sh "${DAGGER_VERSION}" /out "${TARGETARCH}"']
    copies = [i["value"] for i in download if i["instruction"] == "COPY"]
    assert "install-dagger.sh /usr/local/bin/install-dagger.sh" in copies


def test_final_stage() -> None:
    final = stages()[-1]
    kinds = [i["instruction"] for i in final]
    assert "RUN" not in kinds, "copies only: builds for arm64 and amd64 need no emulation"
    copies = {i["value"] for i in final if i["instruction"] == "COPY"}
    assert "--from=download /out/dagger /usr/local/bin/dagger" in copies
    assert "--from=docker-cli /usr/local/bin/docker /usr/local/bin/docker" in copies
    entrypoints = [i["value"] for i in final if i["instruction"] == "ENTRYPOINT"]
    assert entrypoints == ['["dagger"]']
    env = " ".join(i["value"] for i in final if i["instruction"] == "ENV")
    assert re.search(r"\bHOME=/tmp\b", env), "a HOME every uid can write (1777)"
    assert "USER" not in kinds, "the makefile chooses the user (--user)"


def test_no_python_no_daemon() -> None:
    text = DOCKERFILE.read_text(encoding="utf-8")
    code = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    for word in ("pip", "python", "anyio", "docker.io", "docker-ce ", "dockerd", "containerd"):
        assert word not in code, word


def test_build_context_holds_the_installer() -> None:
    ignore = (DOCKER_DIR / ".dockerignore").read_text(encoding="utf-8").split()
    assert "*" in ignore
    assert "!install-dagger.sh" in ignore
    for instruction in instructions():
        if instruction["instruction"] == "COPY" and not instruction["value"].startswith("--from"):
            source = instruction["value"].split()[0]
            assert (DOCKER_DIR / source).is_file(), source


# ---------------------------------------------------------------- shell --


def shell_scripts() -> list[Path]:
    return sorted(DOCKER_DIR.glob("*.sh"))


def test_there_are_shell_scripts_to_check() -> None:
    assert INSTALLER in shell_scripts()


@pytest.mark.parametrize("script", shell_scripts(), ids=lambda p: p.name)
def test_shellcheck(script: Path) -> None:
    result = subprocess.run(
        [tool("shellcheck"), "--shell=sh", "--enable=all", str(script)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


CURL_SHIM = """#!{python}
import shutil, sys, urllib.parse
output, url = sys.argv[sys.argv.index("--output") + 1], sys.argv[-1]
try:
    shutil.copyfile(urllib.parse.urlparse(url).path, output)
except OSError as error:
    sys.exit(f"curl: (37) {{error}}")
"""


def run_installer(base: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The installer with the release at a file:// URL (real curl reads those; a shim stands in without it)."""
    path = "/usr/local/bin:/usr/bin:/bin"
    if shutil.which("curl", path=path) is None:
        shim_dir = base.parent / "curl-shim"
        shim_dir.mkdir(exist_ok=True)
        (shim_dir / "curl").write_text(CURL_SHIM.format(python=sys.executable), encoding="utf-8")
        (shim_dir / "curl").chmod(0o755)
        path = f"{shim_dir}:{path}"
    return subprocess.run(
        ["sh", str(INSTALLER), *args],
        capture_output=True,
        text=True,
        check=False,
        env={"PATH": path, "DAGGER_BASE_URL": base.as_uri(), **(env or {})},
        timeout=60,
    )


@pytest.mark.parametrize("arch", ["amd64", "arm64"])
def test_installer_installs_the_verified_cli(tmp_path: Path, arch: str) -> None:
    version = dagger_json_version()
    fake_release(tmp_path / "releases", version, arch)
    dest = tmp_path / "bin"
    result = run_installer(tmp_path / "releases", f"v{version}", str(dest), arch)
    assert result.returncode == 0, result.stderr
    assert f"dagger_v{version}_linux_{arch}.tar.gz: OK" in result.stdout
    installed = dest / "dagger"
    assert installed.stat().st_mode & 0o777 == 0o755
    assert subprocess.run([str(installed)], capture_output=True, text=True, check=True).stdout.split() == [
        "dagger",
        version,
        arch,
    ]
    assert not (dest / "LICENSE").exists()


@pytest.mark.parametrize("slash", ["", "/"])
def test_installer_takes_a_release_folder_that_names_its_version(tmp_path: Path, slash: str) -> None:
    """Dagger's own download host has releases/<version>/ (no v): DAGGER_RELEASE_URL is used as given."""
    version = dagger_json_version()
    release = fake_release(tmp_path / "dl", version, "amd64", folder=f"dagger/releases/{version}")
    nowhere = tmp_path / "not-here"
    env = {"DAGGER_RELEASE_URL": release.as_uri() + slash}
    result = run_installer(nowhere, version, str(tmp_path / "bin"), "amd64", env=env)
    assert result.returncode == 0, result.stderr
    assert f"dagger_v{version}_linux_amd64.tar.gz: OK" in result.stdout
    assert (tmp_path / "bin" / "dagger").is_file()
    without = run_installer(nowhere, version, str(tmp_path / "bin2"), "amd64")
    assert without.returncode != 0, "DAGGER_BASE_URL alone appends /v<version>: that layout is not there"


def test_installer_refuses_a_tampered_archive(tmp_path: Path) -> None:
    fake_release(tmp_path / "releases", "0.21.11", "amd64", tamper=True)
    result = run_installer(tmp_path / "releases", "0.21.11", str(tmp_path / "bin"), "amd64")
    assert result.returncode != 0
    assert "FAILED" in result.stdout + result.stderr
    assert not (tmp_path / "bin" / "dagger").exists()


def test_installer_refuses_an_archive_without_checksum(tmp_path: Path) -> None:
    release = fake_release(tmp_path / "releases", "0.21.11", "arm64")
    (release / "checksums.txt").write_text("0" * 64 + "  dagger_v0.21.11_linux_amd64.tar.gz\n", encoding="utf-8")
    result = run_installer(tmp_path / "releases", "0.21.11", str(tmp_path / "bin"), "arm64")
    assert result.returncode != 0
    assert "no checksum" in result.stderr
    assert not (tmp_path / "bin" / "dagger").exists()


def test_installer_refuses_other_architectures(tmp_path: Path) -> None:
    result = run_installer(tmp_path, "0.21.11", str(tmp_path / "bin"), "riscv64")
    assert result.returncode != 0
    assert "amd64 and arm64 only" in result.stderr


def test_installer_fails_when_the_release_is_missing(tmp_path: Path) -> None:
    result = run_installer(tmp_path / "nothing", "0.21.11", str(tmp_path / "bin"), "amd64")
    assert result.returncode != 0
    assert not (tmp_path / "bin" / "dagger").exists()


def test_shellcheck_of_the_projects_ci_script() -> None:
    """.ci/run installs what the tests need on a fresh machine; bash, checked like the installer."""
    result = subprocess.run(
        [tool("shellcheck"), "--shell=bash", "--enable=all", str(REPO / ".ci" / "run")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
