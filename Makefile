# Waypoint: `make run` serves the app with demo data; `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
WEB_CONCURRENCY ?= 1
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: run test lint bench install prepare messages static chromium node-tools lock format clean-var

$(BIN)/python:
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Waypoint needs Python 3.11 or newer"'
	$(PYTHON) -m venv $(VENV)

# Installs the locked dependency set; re-runs only when the lock changes.
$(VENV)/.installed: requirements.lock | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	touch $@

install: $(VENV)/.installed

messages: install
	$(BIN)/python scripts/compile_messages.py

static: install
	DEBUG=true $(BIN)/python manage.py collectstatic --noinput --verbosity 0

prepare: install messages static

# A local demo: DEBUG on unless the caller says otherwise, SQLite unless DATABASE_URL is set.
run: prepare
	@export DEBUG=$${DEBUG:-true}; \
	$(BIN)/python manage.py check && \
	$(BIN)/python manage.py migrate --noinput && \
	$(BIN)/python manage.py setup_site && \
	echo "Waypoint is running at http://$(HOST):$(PORT)/ (Ctrl+C to stop)" && \
	exec $(BIN)/uvicorn waypoint.asgi:application --host $(HOST) --port $(PORT) \
		--workers $(WEB_CONCURRENCY) --no-access-log --proxy-headers

# Debian's Chromium drives the browser tests; install it when missing and we can.
chromium:
	@if command -v chromium >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "Installing Debian's chromium for the browser tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else echo "chromium is missing and cannot be installed here: browser tests will skip (they fail with CI=true)"; fi

# axe-core, used only by the browser tests.
node_modules/.installed: package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then npm ci --no-audit --no-fund --silent && touch $@; \
	else echo "npm is missing: accessibility checks will skip (they fail with CI=true)"; fi

node-tools: node_modules/.installed

test: prepare chromium node-tools
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy waypoint
	DEBUG=true $(BIN)/python manage.py makemigrations --check --dry-run

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: prepare
	DEBUG=false SECRET_KEY=bench-$$RANDOM-$$RANDOM-$$RANDOM-$$RANDOM-0123456789abcdef ALLOWED_HOSTS=127.0.0.1,localhost \
		$(BIN)/python bench/run.py

# Regenerates requirements.lock from pyproject.toml.
lock: install
	$(BIN)/python -m pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --extra dev -o requirements.lock --python-version 3.11
