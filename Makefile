# The two commands of the README: `make serve` (set up, then serve the graph) and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: setup setup-test system-deps build serve test lint benchmark imports screenshots

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[test]"
	touch $@ $(VENV)/.installed

setup: $(VENV)/.installed

setup-test: $(VENV)/.installed-test system-deps

# Debian's headless chromium and its driver, for the browser tests; curl, for the README's examples.
system-deps:
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null && command -v curl >/dev/null || \
	  ( $(SUDO) apt-get update -q && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium chromium-driver curl )

build: setup
	$(BIN)/mitigraph build

serve: setup
	$(BIN)/mitigraph serve

# Regenerate ontology/imports/ (labels, definitions, licences of the external terms we use) from the
# pinned vocabularies in ../shared/vocabularies/. Run after editing ontology/alignments.ttl or mappings.ttl.
imports: setup
	$(BIN)/python -m mitigraph.vocab_extract

lint: setup-test
	$(BIN)/ruff check server tests
	$(BIN)/ruff format --check server tests
	$(BIN)/mypy

test: setup-test lint
	$(BIN)/pytest

$(VENV)/.installed-bench: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[test,bench]"
	touch $@

# Both sizes, N = 2,000 and 100,000 (the larger takes most of the time), then build and export at both.
# `python -m tests.benchmarks.run --sizes 2000 --update-readme` is the quick run.
benchmark: setup-test $(VENV)/.installed-bench
	$(BIN)/python -m tests.benchmarks.run --sizes 2000,100000
	$(BIN)/python -m tests.benchmarks.building --sizes 2000,100000

# Pictures of the site for the README (docs/images/), taken from the real server with headless chromium.
screenshots: setup-test
	$(BIN)/python -m docs.screenshots
