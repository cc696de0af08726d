# The commands people type. Run make from the repository root.
#
# Two ways to run the same quality gate (pylint, black, mypy, ruff), with the
# same pinned tools and the same configuration (.config/):
#   - through Docker: `make build` once, then `make lint`, `make run-all`, ...
#     The image (.docker/Dockerfile) holds the dagger CLI and a docker client;
#     the CLI starts the Dagger engine as a sibling container on your Docker.
#   - without Docker: `make venv` once, then `make local-lint`, ... runs the
#     local runner, the package `quality-gate` installed in .venv with the pinned
#     tools (the local-* targets create .venv when needed).
#
# `make help` lists the make targets, one line each, read from the `## ` comment
# after each target below (offline and instant). The Dagger functions behind
# them are listed by `make functions`, which asks the module itself and so
# needs Docker and the image.
#
# Variables can be overridden on the command line, for example:
#   make run-all FAIL_FAST=1
#   make lint SOURCE=app CONFIG=ci/config
#   make build IMAGE=registry.example.com/qg/dagger:0.21.11

SHELL := /bin/sh
.DEFAULT_GOAL := help
.SUFFIXES:

# Paths go on command lines single-quoted for the shell, with every ' inside
# written '\'' : a checkout under "My Projects" or "it's", or even one named
# $(...), is then just a path, never words or a command. `sq` does that.
comma := ,
empty :=
space := $(empty) $(empty)
sq = '$(subst ','\'',$(1))'

# The repository root, absolute: the folder of this makefile (read before any
# include, so MAKEFILE_LIST is this file alone, spaces and all). It is mounted
# at the same path inside the container and used as the working directory
# there, so dagger finds the git root and dagger.json as on the host,
# DefaultPath resolves the same way, and exported files land where you expect.
THIS_MAKEFILE := $(strip $(MAKEFILE_LIST))
ROOT := $(shell cd -- "$$(dirname -- $(call sq,$(THIS_MAKEFILE)))" && pwd)
ifeq ($(ROOT),)
$(error Cannot find the folder of $(THIS_MAKEFILE); run make from the repository root)
endif

# ---------------------------------------------------------------- variables --
# The dagger CLI version: engineVersion from dagger.json (a CLI older than
# engineVersion refuses the module, so the two move together), read by make
# itself ($(file), GNU make 4.2+), without a shell. Overridable on the command
# line only: a DAGGER_VERSION left in the environment by some install script
# must not silently change the image.
manifest_words = $(subst :$(space),:,$(subst $(space):,:,$(strip $(subst {, ,$(subst }, ,$(subst $(comma), ,$(subst ",,$(1))))))))
DAGGER_VERSION := $(patsubst v%,%,$(patsubst engineVersion:%,%,$(filter engineVersion:%,$(call manifest_words,$(file <$(ROOT)/dagger.json)))))
need_version = $(if $(DAGGER_VERSION),,$(error No engineVersion read from $(ROOT)/dagger.json (GNU make 4.2 or newer reads it): pass DAGGER_VERSION=x.y.z))
# The image built from .docker/Dockerfile, tagged with the CLI version it holds.
IMAGE ?= quality-gate-dagger:$(DAGGER_VERSION)
# Its base images, pinned by tag and digest, each stated in one place: Debian in .docker/images.yml (a line
# `  NAME: "image:tag@sha256:..."` of its variables); the docker client as the default of the `image` input of
# the GitLab CI component, which must hold its images itself (the line `      default: "..."` of `    image:`).
IMAGES_FILE := $(ROOT)/.docker/images.yml
COMPONENT_FILE := $(ROOT)/templates/quality-gate.yml
pinned_image = $(shell sed -n 's/^  $(1): "\(.*\)"$$/\1/p' $(call sq,$(IMAGES_FILE)))
need_image = $(if $(call pinned_image,$(1)),,$(error No $(1) in $(IMAGES_FILE)))
component_default = $(shell sed -n '/^    $(1):$$/,/^    [a-z_]*:$$/s/^      default: "\(.*\)"$$/\1/p' $(call sq,$(COMPONENT_FILE)))
need_default = $(if $(call component_default,$(1)),,$(error No default of the $(1) input in $(COMPONENT_FILE)))
# The code under check and the tools' configuration, relative to the root.
SOURCE ?= src
CONFIG ?= .config
# Where `report` writes gl-code-quality-report.json and junit.xml.
REPORTS ?= reports
# FAIL_FAST=1: run-all (and check) stop at the first failing tool.
FAIL_FAST ?=
# Patterns for `make check` (dagger check), e.g. CHECKS="lint mypy"; empty: all.
CHECKS ?=
# Extra arguments for pytest in `make test`, e.g. PYTEST_ARGS="-x tests/delivery".
PYTEST_ARGS ?=
# YES=1: `make fix` and `make local-fix` apply the changes without asking.
# Without it they show the diff and ask on a terminal; without a terminal
# there is nobody to answer, so they show the diff and write nothing.
YES ?=
# RESET=1: `make baseline` and `make local-baseline` record every current
# finding. Without it, a committed baseline only loses its fixed entries.
RESET ?=
# NO_CACHE=1: no result kept from an earlier run is used: locally --no-cache;
# through Dagger pylint and black run whole (--incremental=false).
NO_CACHE ?=
# This project's name for its cache volumes on the engine (pylint's and black's state, mypy's cache), so
# that two projects on one Docker never share them: the hash of the repository's origin URL (the clones of
# one repository share their state) or, without a remote, of its path. `git hash-object` is the portable
# hash at hand; without git, the module names the volumes from the source's files.
PROJECT ?= $(shell { git -C $(call sq,$(ROOT)) remote get-url origin 2>/dev/null || printf '%s\n' $(call sq,$(ROOT)); } | git hash-object --stdin 2>/dev/null)
# The committed baseline, in the configuration (its name is the module's
# baseline.FILE_NAME): `make baseline` exports the Dagger function's file there.
BASELINE_FILE = $(CONFIG)/quality-baseline.json

DOCKER ?= docker
# The Docker socket on this machine: from DOCKER_HOST when that is unix://...,
# else the usual path. It is mounted at /var/run/docker.sock in the container.
DOCKER_SOCKET ?= $(or $(patsubst unix://%,%,$(filter unix://%,$(DOCKER_HOST))),/var/run/docker.sock)
# The socket's group: the container runs as you, plus this group, so the CLI can
# use the socket. GNU stat first, then BSD stat (macOS).
DOCKER_SOCKET_GID ?= $(shell stat -c %g $(call sq,$(DOCKER_SOCKET)) 2>/dev/null || stat -f %g $(call sq,$(DOCKER_SOCKET)) 2>/dev/null)
USER_ID := $(shell id -u)
GROUP_ID := $(shell id -g)

# DAGGER_* variables handed to the CLI in the container, by name only: docker's
# `--env NAME` copies the value from make's environment, so a token never shows
# up on the command line, in make's echo of the recipe, or in `ps`. Only names
# that are set are passed: for a name the caller has not set, `--env NAME`
# would UNSET it in the container, dropping the image's own value (its
# DAGGER_NO_UPDATE_CHECK=1). Any other DAGGER_* variable in your environment
# (or on make's command line) is passed too; DAGGER_VERSION is ours.
PASS_ENV ?= DAGGER_CLOUD_TOKEN DAGGER_CLOUD_URL DAGGER_PROGRESS DAGGER_NO_NAG \
	DAGGER_NO_UPDATE_CHECK DAGGER_LEAVE_OLD_ENGINE _EXPERIMENTAL_DAGGER_RUNNER_HOST
is_set = $(filter environment% command line,$(origin $(1)))
env_dagger_vars = $(foreach v,$(filter DAGGER_%,$(.VARIABLES)),$(if $(call is_set,$(v)),$(v)))
PASS_ENV_FLAGS = $(foreach v,$(sort $(filter-out DAGGER_VERSION,$(PASS_ENV) $(env_dagger_vars))),$(if $(call is_set,$(v)),--env $(v)))

# Is there a terminal? Tested by the recipe's shell when it runs (not when make
# reads this file), on stdin and stdout, and kept in the shell variable $tty:
# `-t` without a terminal makes docker fail ("the input device is not a TTY"),
# and in CI, scripts and pipes there is none. (Not inside a $(...) command
# substitution: there stdout is a pipe, never a terminal.)
TTY_DETECT = tty=; if [ -t 0 ] && [ -t 1 ]; then tty='--interactive --tty'; fi;

need_socket = $(if $(DOCKER_SOCKET_GID),,$(error No Docker socket at $(DOCKER_SOCKET): start Docker, or set DOCKER_SOCKET=/path/to/docker.sock))

# docker run as the calling user (files written on the host stay yours), with
# the socket's group, the socket, and the repository at the same absolute path.
# --mount's value is comma-separated (CSV): a field holding a comma or a double
# quote is written in double quotes, each " doubled.
csv_field = $(if $(findstring ",$(1))$(findstring $(comma),$(1)),"$(subst ","",$(1))",$(1))
bind_mount = type=bind$(comma)$(call csv_field,source=$(1))$(comma)$(call csv_field,target=$(2))
DOCKER_RUN = $(need_version)$(need_socket)$(DOCKER) run --rm \
	--user $(USER_ID):$(GROUP_ID) --group-add $(DOCKER_SOCKET_GID) \
	--mount $(call sq,$(call bind_mount,$(DOCKER_SOCKET),/var/run/docker.sock)) \
	--mount $(call sq,$(call bind_mount,$(ROOT),$(ROOT))) --workdir $(call sq,$(ROOT)) \
	$(PASS_ENV_FLAGS)
# The dagger CLI in the image (its entry point). $$tty is left unquoted on
# purpose: empty, or the two words --interactive --tty.
DAGGER = $(TTY_DETECT) $(DOCKER_RUN) $$tty $(call sq,$(IMAGE))
# dagger call with the module's constructor arguments: the repository is the
# module's workspace (its root, by default), the source and the configuration
# are paths in it, so the source that is checked and the paths in reports and
# fixes come from the one value.
DAGGER_CALL_ARGS = --source-path $(call sq,$(SOURCE)) --config-path $(call sq,$(CONFIG)) $(INCREMENTAL_FLAG) $(PROJECT_FLAG)
# The local runner's arguments.
LOCAL_ARGS = --source $(call sq,$(SOURCE)) --config $(call sq,$(CONFIG)) $(NO_CACHE_FLAG)

INCREMENTAL_FLAG = $(if $(filter-out 0 false no,$(NO_CACHE)),--incremental=false)
NO_CACHE_FLAG = $(if $(filter-out 0 false no,$(NO_CACHE)),--no-cache)
PROJECT_FLAG = $(if $(PROJECT),--project $(call sq,$(PROJECT)))

FAIL_FAST_FLAG = $(if $(filter-out 0 false no,$(FAIL_FAST)),--fail-fast)
CHECK_FAIL_FAST_FLAG = $(if $(filter-out 0 false no,$(FAIL_FAST)),--failfast)
# -y/--auto-apply (a global dagger flag): apply a returned changeset without
# the prompt, only when YES=1. The local runner's flag is --yes.
AUTO_APPLY_FLAG = $(if $(filter-out 0 false no,$(YES)),--auto-apply)
YES_FLAG = $(if $(filter-out 0 false no,$(YES)),--yes)
RESET_FLAG = $(if $(filter-out 0 false no,$(RESET)),--reset)

# ------------------------------------------------------------ local runner --
VENV ?= .venv
# The first interpreter that actually runs and is 3.11 or newer (a pyenv shim
# can exist on PATH and still fail, so each candidate is run, not looked up).
PYTHON_CANDIDATES ?= python3.13 python3
python_ok := import sys; sys.exit(sys.version_info[:2] < (3, 11))
PYTHON ?= $(firstword $(foreach p,$(PYTHON_CANDIDATES),$(if $(shell $(p) -c '$(python_ok)' >/dev/null 2>&1 && echo ok),$(p))))
# The tests' own environment: the tools plus what the tests need (pytest, dagger-io, validators). The
# tools' environment (VENV) holds exactly .config/requirements.txt, so what `make test` installs never
# changes what the gate finds (mypy and pylint see every package installed beside them).
TEST_VENV ?= .venv-tests
# Stamp files: a venv is (re)installed when a requirements file changes. The gate reads VENV_STAMP's
# name (local/tools_env.py's STAMP): in the environment that carries it, it checks the packages against the pins.
VENV_STAMP := $(VENV)/.quality-gate-tools
TEST_STAMP := $(TEST_VENV)/.quality-gate-tests
# The gate itself, installed into VENV from this checkout (pyproject.toml) without its dependencies, which are
# the pins above: its command `quality-gate` is what the local-* targets run (a console script: the current
# directory is not on its sys.path, so a project's types.py or json.py cannot replace the standard library's
# inside the gate; the gate starts each tool with -P). The build backend, hash-pinned in
# .packaging/build-requirements.txt, is installed once into VENV beside site-packages, where no tool sees it: an
# edit of the gate's source or of its shipped configuration reinstalls the gate from then on without network.
GATE_STAMP := $(VENV)/.quality-gate-package
BUILD_BACKEND := $(VENV)/build-backend
BACKEND_STAMP := $(BUILD_BACKEND)/.installed
BUILD_PINS := .packaging/build-requirements.txt
NOT_THE_GATE = The local-* targets install the gate from this checkout, and ./pyproject.toml is not the gate's: \
	install the gate with pipx or uvx instead (docs/local-runner.md)
GATE_FILES = $(wildcard pyproject.toml .pipeline/pyproject.toml .pipeline/src/quality_gate/*.py \
	.pipeline/src/quality_gate/*/*.py \
	.pipeline/src/quality_gate/*/*/*.py $(addprefix .config/,requirements.txt .pylintrc black.toml mypy.ini pyproject.toml))
RUNNER = $(VENV)/bin/quality-gate
UV_COMPILE = $(call sq,$(abspath $(TEST_VENV))/bin/uv) pip compile --universal --generate-hashes --python-version 3.11

# What the tests need besides Python packages, prepared once by `make test`
# (test-tools) into folders git ignores; no test downloads anything:
#   - the dagger-io sdist (hash-checked), from which tests/container lay out
#     .pipeline/sdk as the engine vendors it, to check the committed uv.lock;
#   - a uv cache holding every wheel that uv.lock installs, so that tests/container
#     build the module's environment offline exactly as the Dagger runtime does
#     (tests/helpers/runtime_env.py; the build fails if the lock is not current);
#   - gitlab-ci-local, pinned by .ci/gitlab-ci-local/package-lock.json (npm ci),
#     which runs .gitlab-ci.yml's jobs here. Without npm the tests that need it
#     are skipped, saying why; .ci/run installs Node.js when it is missing;
#   - a wheelhouse: the wheels of the tools' pins and of the build backend
#     (hash-checked), from which tests/delivery build the gate's wheel and
#     install it into fresh environments (pip, uv, pre-commit) with no index.
TOOLS_DIR := .tools
SDK_SDIST_STAMP := $(TOOLS_DIR)/dagger-io-sdist/.downloaded
WHEELHOUSE_STAMP := $(TOOLS_DIR)/wheels/.downloaded
RUNTIME_CACHE_STAMP := $(TOOLS_DIR)/runtime-uv-cache/.prefetched
GCL_DIR := .ci/gitlab-ci-local
GITLAB_CI_LOCAL := $(GCL_DIR)/node_modules/.bin/gitlab-ci-local

.PHONY: help functions build bash run-all report fix baseline check remove \
	venv local-run-all local-report local-fix local-fix-undo \
	local-baseline test test-tools self-check pins generate bench

# ------------------------------------------------------------------- help --
help: ## List these targets (make targets; `make functions` lists the Dagger functions)
	@echo 'Usage: make TARGET [VARIABLE=value ...]    (run from the repository root)'
	@echo
	@awk 'BEGIN { FS = ":[^#]*## " } /^[a-z][a-z0-9-]*:[^#]*## / { printf "  %-14s %s\n", $$1, $$2 }' $(call sq,$(THIS_MAKEFILE))
	@echo
	@echo $(call sq,Variables: IMAGE=$(IMAGE) DAGGER_VERSION=$(DAGGER_VERSION))
	@echo $(call sq,           SOURCE=$(SOURCE) CONFIG=$(CONFIG) REPORTS=$(REPORTS) FAIL_FAST=$(FAIL_FAST) YES=$(YES) RESET=$(RESET) NO_CACHE=$(NO_CACHE))

# ------------------------------------------------- through the Docker image --
build: ## Build the dagger CLI image (IMAGE) from .docker/Dockerfile, on its pinned base images
	$(need_version)$(call need_default,image)$(call need_image,QG_DEBIAN_IMAGE)$(DOCKER) build \
		--build-arg $(call sq,DAGGER_VERSION=$(DAGGER_VERSION)) \
		--build-arg $(call sq,DOCKER_CLI_IMAGE=$(call component_default,image)) \
		--build-arg $(call sq,DEBIAN_IMAGE=$(call pinned_image,QG_DEBIAN_IMAGE)) \
		--tag $(call sq,$(IMAGE)) --file $(call sq,$(ROOT)/.docker/Dockerfile) $(call sq,$(ROOT)/.docker)

bash: ## Open a shell in the image, as you, with the repository and the Docker socket
	$(TTY_DETECT) $(DOCKER_RUN) $${tty:---interactive} --entrypoint /bin/bash $(call sq,$(IMAGE))

functions: ## List the Dagger functions of the module (dagger functions)
	$(DAGGER) functions

# >>> generated by `make generate` from the checks (quality_gate/checks/): edit those, not these lines
.PHONY: lint format mypy ruff
lint: ## pylint through Dagger (dagger call lint)
	$(DAGGER) call $(DAGGER_CALL_ARGS) lint

format: ## black --check through Dagger (dagger call format)
	$(DAGGER) call $(DAGGER_CALL_ARGS) format

mypy: ## mypy through Dagger (dagger call mypy)
	$(DAGGER) call $(DAGGER_CALL_ARGS) mypy

ruff: ## ruff through Dagger (dagger call ruff)
	$(DAGGER) call $(DAGGER_CALL_ARGS) ruff
# <<< generated

run-all: ## All four tools at once, every result reported; FAIL_FAST=1 stops at the first (dagger call run-all)
	$(DAGGER) call $(DAGGER_CALL_ARGS) run-all $(FAIL_FAST_FLAG)

report: ## Write REPORTS/gl-code-quality-report.json and junit.xml (dagger call report export)
	$(DAGGER) call $(DAGGER_CALL_ARGS) report export $(call sq,--path=$(REPORTS))

fix: ## Apply black and ruff's fixes to SOURCE: preview and ask, or YES=1 (dagger call fix)
	$(DAGGER) call $(AUTO_APPLY_FLAG) $(DAGGER_CALL_ARGS) fix

baseline: ## Record the findings in CONFIG/quality-baseline.json; RESET=1: all anew (dagger call baseline export)
	$(DAGGER) call $(DAGGER_CALL_ARGS) baseline $(RESET_FLAG) export $(call sq,--path=$(BASELINE_FILE))

check: ## The four checks (lint, format, mypy, ruff) in parallel, default paths, fix not run (dagger check --no-generate)
	$(DAGGER) check --no-generate $(CHECK_FAIL_FAST_FLAG) $(foreach c,$(CHECKS),$(call sq,$(c)))

remove: ## Remove the image (IMAGE)
	$(DOCKER) image rm $(call sq,$(IMAGE))

# ------------------------------------------------ local runner, no Docker --
$(VENV_STAMP): .config/requirements.txt
	$(if $(PYTHON),,$(error No working Python 3.11+ among $(PYTHON_CANDIDATES): set PYTHON=/path/to/python3))
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --require-hashes -r .config/requirements.txt
	cp .config/requirements.txt $@

# The gate's own package, built from this checkout by the pinned backend (--no-build-isolation: no index, no
# download) and installed without dependencies. A pyproject.toml of another project (a copy of this makefile
# in your own repository) is never installed into the tools' environment.
$(GATE_STAMP): $(VENV_STAMP) $(BACKEND_STAMP) $(GATE_FILES)
	@grep -q '^name = "quality-gate"$$' pyproject.toml 2>/dev/null || { echo $(call sq,$(NOT_THE_GATE)) >&2; exit 2; }
	PYTHONPATH=$(call sq,$(abspath $(BUILD_BACKEND))) $(VENV)/bin/pip install --quiet --no-deps --no-index \
		--no-build-isolation --force-reinstall .
	touch $@

$(BACKEND_STAMP): $(BUILD_PINS) | $(VENV_STAMP)
	rm -rf $(BUILD_BACKEND)
	$(VENV)/bin/pip install --quiet --require-hashes --no-deps --target $(BUILD_BACKEND) -r $(BUILD_PINS)
	touch $@

$(TEST_STAMP): .config/requirements.txt tests/requirements.txt
	$(if $(PYTHON),,$(error No working Python 3.11+ among $(PYTHON_CANDIDATES): set PYTHON=/path/to/python3))
	$(PYTHON) -m venv $(TEST_VENV)
	$(TEST_VENV)/bin/pip install --require-hashes -r .config/requirements.txt -r tests/requirements.txt
	touch $@

venv: $(GATE_STAMP) ## Create .venv with the pinned tools and the gate's command (PYTHON: first working of python3.13, python3)

# >>> generated by `make generate` from the checks (quality_gate/checks/): edit those, not these lines
.PHONY: local-lint local-format local-mypy local-ruff
local-lint: $(GATE_STAMP) ## pylint with the local runner, no Docker
	$(RUNNER) lint $(LOCAL_ARGS)

local-format: $(GATE_STAMP) ## black --check with the local runner, no Docker
	$(RUNNER) format $(LOCAL_ARGS)

local-mypy: $(GATE_STAMP) ## mypy with the local runner, no Docker
	$(RUNNER) mypy $(LOCAL_ARGS)

local-ruff: $(GATE_STAMP) ## ruff with the local runner, no Docker
	$(RUNNER) ruff $(LOCAL_ARGS)
# <<< generated

local-run-all: $(GATE_STAMP) ## All four tools at once with the local runner (FAIL_FAST=1 to stop early)
	$(RUNNER) run-all $(LOCAL_ARGS) $(FAIL_FAST_FLAG)

local-report: $(GATE_STAMP) ## Write the two reports into REPORTS with the local runner
	$(RUNNER) report $(LOCAL_ARGS) --output $(call sq,$(REPORTS))

local-fix: $(GATE_STAMP) ## Preview black's and ruff's fixes to SOURCE, ask, apply and verify (YES=1 applies)
	$(RUNNER) fix $(LOCAL_ARGS) $(YES_FLAG)

local-fix-undo: $(GATE_STAMP) ## Put back every file the last local-fix changed
	$(RUNNER) fix --undo

local-baseline: $(GATE_STAMP) ## Record the findings in CONFIG/quality-baseline.json with the local runner (RESET=1)
	$(RUNNER) baseline $(LOCAL_ARGS) $(RESET_FLAG)

# The project's own code, tests and benchmark through its own gate, one tree at a time (each test
# folder has its own conftest.py) and every tree reported. It runs in the tests' venv, where dagger-io,
# which the module imports, is installed beside the tools: this project's own dependency, the way a
# project's dependencies make its imports resolvable.
SELF_CHECK_TREES = .pipeline/src tests/helpers tests/shape tests/app tests/baseline tests/checks tests/cli tests/container tests/drivers tests/fix tests/local tests/reports tests/delivery benchmarks

self-check: $(VENV_STAMP) $(TEST_STAMP) ## The project's own gate over its module, tests and benchmark (SELF_CHECK_TREES)
	@failed=; for tree in $(SELF_CHECK_TREES); do \
		echo "== self-check: $$tree"; \
		PYTHONPATH=.pipeline/src:tests MYPYPATH=.pipeline/src:tests $(TEST_VENV)/bin/python -P -m quality_gate \
			run-all --source "$$tree" --config .config || failed="$$failed $$tree"; \
	done; \
	if [ -n "$$failed" ]; then echo "self-check failed:$$failed" >&2; exit 1; fi

test: $(GATE_STAMP) $(TEST_STAMP) ## Run the test suite (pytest tests; PYTEST_ARGS=...) in its own venv, TEST_VENV
	$(strip $(TEST_VENV)/bin/python -m pytest tests $(PYTEST_ARGS))

test: | test-tools

test-tools: $(SDK_SDIST_STAMP) $(RUNTIME_CACHE_STAMP) $(WHEELHOUSE_STAMP) $(GITLAB_CI_LOCAL) ## Fetch what tests need besides Python packages (dagger-io sdist, the module's wheels, a wheelhouse, gitlab-ci-local)

$(SDK_SDIST_STAMP): tests/container/sdk-sdist.txt | $(VENV_STAMP)
	rm -rf $(dir $@)
	$(VENV)/bin/python -m pip download --quiet --no-deps --no-binary dagger-io --require-hashes \
		-r tests/container/sdk-sdist.txt --dest $(dir $@)
	touch $@

$(WHEELHOUSE_STAMP): .config/requirements.txt $(BUILD_PINS) | $(VENV_STAMP)
	rm -rf $(dir $@)
	$(VENV)/bin/python -m pip download --quiet --only-binary :all: --require-hashes \
		-r .config/requirements.txt -r $(BUILD_PINS) --dest $(dir $@)
	touch $@

$(RUNTIME_CACHE_STAMP): .pipeline/uv.lock .pipeline/pyproject.toml tests/helpers/runtime_env.py $(SDK_SDIST_STAMP) | $(TEST_STAMP)
	$(TEST_VENV)/bin/python tests/helpers/runtime_env.py --prefetch
	touch $@

$(GITLAB_CI_LOCAL): $(GCL_DIR)/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		echo 'npm ci --prefix $(GCL_DIR)'; npm ci --prefix $(GCL_DIR) --no-audit --no-fund && touch $@; \
	else \
		echo 'npm not found: the tests that run the GitLab pipeline will be skipped (install Node.js 20)' >&2; \
	fi

pins: $(TEST_STAMP) ## Regenerate the hash-pinned requirements files from their .in (uv pip compile)
	cd .config && $(UV_COMPILE) requirements.in -o requirements.txt
	cd tests && $(UV_COMPILE) requirements.in -o requirements.txt
	cd .packaging && $(UV_COMPILE) build-requirements.in -o build-requirements.txt

# The per-tool targets above, the CI component's jobs and the pre-commit hooks: one each per check, written from
# the checks (tests/helpers/per_tool.py) between their `# >>> generated` and `# <<< generated` lines.
generate: $(VENV_STAMP) ## Rewrite the per-tool targets, CI jobs and hooks from the checks (after adding a tool)
	PYTHONPATH=.pipeline/src:tests $(VENV)/bin/python -P -m helpers.per_tool

bench: $(VENV_STAMP) ## Time the tools on real code bases (benchmarks/run.py)
	PYTHONPATH=.pipeline/src $(VENV)/bin/python benchmarks/run.py
