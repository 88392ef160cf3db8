# Waypoint: `make run` serves the app with demo data; `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
WEB_CONCURRENCY ?= 1
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: run test lint bench install prepare messages static chromium node-tools lock format clean-var local-demo import-directory import-meetings nginx scale-test load-test fault-test

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

# A local demo on this computer: DEBUG off (nobody trying Waypoint sees a debug page or a
# traceback), SQLite unless DATABASE_URL is set. LOCAL_DEMO marks var/ as a loopback-only
# demo, so the generated keys and localhost pass the checks (waypoint.E001/E003/E004), also
# for the commands the README shows; `make run LOCAL_DEMO=false` keeps production's checks.
LOCAL_DEMO ?= true
VAR_DIR := $(or $(WAYPOINT_VAR_DIR),var)
# The real data folder (../shared/data) that import-directory and import-meetings read.
SHARED_DATA := $(or $(WAYPOINT_SHARED_DATA),../shared/data)

run: prepare local-demo
	@export DEBUG=$${DEBUG:-false} LOCAL_DEMO=$(LOCAL_DEMO); \
	$(BIN)/python manage.py check --database default && \
	$(BIN)/python manage.py migrate --noinput && \
	$(BIN)/python manage.py setup_site && \
	echo "Waypoint is running at http://$(HOST):$(PORT)/ with its task consumer (Ctrl+C stops both)" && \
	exec $(BIN)/python scripts/serve.py --host $(HOST) --port $(PORT) --workers $(WEB_CONCURRENCY)

local-demo:
	@if [ "$(LOCAL_DEMO)" = true ]; then \
		case "$(HOST)" in 127.0.0.1|localhost|::1) ;; \
		*) echo "make run serves a demo for this computer only, not HOST=$(HOST). To serve others, set SECRET_KEY," \
			"ALLOWED_HOSTS and ENCRYPTION_KEYS, and LOCAL_DEMO=false (docs/operations.md)." >&2; exit 1;; esac; \
		mkdir -p "$(VAR_DIR)" && echo "make run: a local, loopback-only demo (LOCAL_DEMO). Delete for a deployment." \
			> "$(VAR_DIR)/local-demo"; \
	else rm -f "$(VAR_DIR)/local-demo"; fi

# The real SAMHSA files and meeting feeds, on top of what `make run` set up.
import-directory: install local-demo
	$(BIN)/python manage.py import_facilities $(SHARED_DATA)/samhsa/*.csv $(SHARED_DATA)/samhsa/*.json

import-meetings: install local-demo
	$(BIN)/python manage.py import_meetings $(SHARED_DATA)/meetings/meeting-guide-sussexaa.json --name "Sussex County AA (Delaware)"
	$(BIN)/python manage.py import_meetings $(SHARED_DATA)/meetings/meeting-guide-atlanta.json --name "Atlanta AA"
	$(BIN)/python manage.py import_meetings $(SHARED_DATA)/meetings/meeting-guide-edmonton.json --name "Edmonton AA" \
		--timezone America/Edmonton
	$(BIN)/python manage.py import_meetings $(SHARED_DATA)/meetings/meeting-guide-times.json --name "Meeting Guide sample feed"

# Debian's Chromium drives the browser tests; install it when missing and we can.
chromium:
	@if command -v chromium >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "Installing Debian's chromium for the browser tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else echo "chromium is missing and cannot be installed here: browser tests will skip (they fail with CI=true)"; fi

# Debian's nginx for the scale-out topology: ops/topology.py runs it with a config of its
# own, as this user, on a free loopback port (the package's service is never used).
nginx:
	@if command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "Installing Debian's nginx for make scale-test"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null; \
	else echo "nginx is missing and cannot be installed here: apt-get install nginx" >&2; exit 1; fi

# nginx + 2 uvicorn workers + PostgreSQL + Redis + task consumer on loopback, a group
# conversation across both workers, a worker SIGKILLed and Redis restarted mid-way; fails
# unless every client ends with every message exactly once, in order (docs/operations.md).
scale-test: install messages nginx
	$(BIN)/python ops/scale_test.py $(SCALE_TEST_ARGS)

# A mixed load (browse, search, check in, chat) on the same topology, with figures:
# requests/s, p50/p90/p99 and errors per kind (docs/operations.md, "Load and faults").
load-test: install messages nginx
	$(BIN)/python ops/load.py --report bench/results/load.json $(LOAD_TEST_ARGS)

# Faults while writes are in flight (a worker SIGKILLed, Redis and PostgreSQL restarted, the
# task queue flooded), then a count: every acknowledged write saved once, every chat message
# delivered, every due reminder sent once. It restarts this machine's PostgreSQL only when
# told: FAULT_TEST_ARGS=--allow-postgres-restart (CI) or --no-postgres-restart.
fault-test: install messages nginx
	$(BIN)/python ops/faults.py --report bench/results/faults.json $(FAULT_TEST_ARGS)

# axe-core, used only by the browser tests.
node_modules/.installed: package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then npm ci --no-audit --no-fund --silent && touch $@; \
	else echo "npm is missing: accessibility checks will skip (they fail with CI=true)"; fi

node-tools: node_modules/.installed

# Two test processes (pytest-xdist), one per core of a small machine: the suite takes about
# half the time. `make test PYTEST_ARGS=` runs it in one process; add `-k name` to pick tests.
PYTEST_ARGS ?= -n 2

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
