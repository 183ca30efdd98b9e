# clustersim: every target does its own set-up (venv, package) on a fresh machine.
SHELL := /bin/bash
VENV  := .venv
PY    := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PYTHON_BIN ?= $(shell \
	for p in python3.12 "$$(pyenv root 2>/dev/null)/versions/3.12"*/bin/python3.12 python3.13 python3; do \
	  command -v $$p >/dev/null 2>&1 || [ -x "$$p" ] || continue; \
	  $$p -c 'import sys; sys.exit(0 if (3,12) <= sys.version_info[:2] < (3,14) else 1)' 2>/dev/null \
	    && { command -v $$p 2>/dev/null || echo $$p; break; }; \
	done)

.PHONY: run test test-slow test-ray studies test-browser bench bench-crn lint app assets chromium browser-deps docs worksheets clean help

help:
	@echo "make run        default scenario: simulate, summarise, write results/ and figures;"
	@echo "                then five policies against their no-policy twins (results/evaluation)"
	@echo "make test       the default test suite (installs everything first)"
	@echo "make test-slow  the long validation tests"
	@echo "make test-ray   sweeps through Hydra's Ray launcher (own venv .venv-ray): local Ray, and two nodes, one killed"
	@echo "make studies    every study in experiments/ (figures and summary.md in results/)"
	@echo "make bench      speed of whole runs (300 to 100k firms), sub-steps, reference ratio, sweeps"
	@echo "make bench-crn  how much noise the paired twin removes (common random numbers)"
	@echo "make app        the teaching app in the browser (EXERCISE=lock_in: an exercise)"
	@echo "make lint       ruff"
	@echo "make docs       the documentation site (docs/ and the docstrings) into site/, strict"
	@echo "make worksheets the teaching worksheets as PDFs in results/worksheets/ (headless Chromium)"

$(STAMP): pyproject.toml
	@if [ -z "$(PYTHON_BIN)" ]; then \
	  echo "error: clustersim needs Python 3.12 or 3.13 (Hydra breaks on 3.14). Install one" \
	       "(for example 'pyenv install 3.12') or set PYTHON_BIN=/path/to/python3.12." >&2; exit 1; fi
	@test -x $(PY) || $(PYTHON_BIN) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e ".[test,analysis,docs]"
	@touch $(STAMP)

run: $(STAMP)
	$(VENV)/bin/clustersim
	$(VENV)/bin/clustersim-evaluate --jobs 2

# The default suite, then the browser test (30-45 s, so outside the default selection).
test: $(STAMP) browser-deps
	$(PY) -m pytest -q
	$(PY) -m pytest -q -m browser

test-slow: $(STAMP)
	$(PY) -m pytest -q -m slow || [ $$? -eq 5 ]  # 5: no slow tests collected

# The Ray launcher pins cloudpickle<3 (joblib wants >=3): the optional extra gets its own venv.
RAY_VENV  := .venv-ray
RAY_STAMP := $(RAY_VENV)/.installed
$(RAY_STAMP): pyproject.toml
	@test -x $(RAY_VENV)/bin/python || $(PYTHON_BIN) -m venv $(RAY_VENV)
	$(RAY_VENV)/bin/python -m pip install -q --upgrade pip
	$(RAY_VENV)/bin/python -m pip install -q -e ".[ray]" "pytest>=8"
	@touch $(RAY_STAMP)

test-ray: $(RAY_STAMP)
	RAY_USAGE_STATS_ENABLED=0 $(RAY_VENV)/bin/python -m pytest -q -m ray tests/test_ray.py

studies: $(STAMP)
	@for s in experiments/*/run.py; do echo "== $$s"; $(PY) $$s --jobs 2 || exit 1; done

test-browser: $(STAMP) browser-deps
	$(PY) -m pytest -q -m browser

# The teaching app: EXERCISE=lock_in opens on an exercise's preset (docs/teaching/).
app: $(STAMP) assets
	$(VENV)/bin/clustersim-app $(if $(EXERCISE),--exercise $(EXERCISE))

# Solara's JS/CSS from the npm registry into a git-ignored folder (the app runs offline).
ASSETS := .cache/solara-assets
assets: $(STAMP)
	@$(PY) -m clustersim.viz.assets $(ASSETS)

# Headless Chromium (browser tests, worksheet PDFs), installed with apt only when it is missing.
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" -eq 0 ] || echo sudo ); \
	  $$SUDO apt-get update && $$SUDO apt-get install -y chromium; }

browser-deps: assets chromium

bench: $(STAMP)
	$(PY) benchmarks/bench_engines.py --figure docs/figures/bench.png

# Variance reduction of the paired twin (common random numbers); writes docs/figures/crn.png.
bench-crn: $(STAMP)
	$(PY) benchmarks/bench_crn.py --jobs 2 --figure

# MkDocs with mkdocstrings; --strict: a warning (a broken docstring, a missing page) fails it.
docs: $(STAMP)
	$(PY) -m mkdocs build --strict

# The teaching worksheets (docs/teaching/) as PDFs for printing, from the built site.
worksheets: docs chromium
	$(PY) -m clustersim.viz.worksheets --site site --out results/worksheets

lint: $(STAMP)
	$(VENV)/bin/ruff check src tests benchmarks experiments
	$(VENV)/bin/ruff format --check src tests benchmarks experiments

clean:
	rm -rf $(VENV) $(RAY_VENV) .pytest_cache .ruff_cache site
