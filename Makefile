# Scorecard: `make run` serves the demo council, `make test` runs the whole suite.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PY := $(shell scripts/find-python)
VENV := .venv
TOOLS := .tools
UV := $(TOOLS)/bin/uv
UV_VERSION := 0.13.9
MANAGE := $(VENV)/bin/python manage.py
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: help run serve test test-sqlite test-postgres lint audit bench loadtest deps assets python

help:
	@echo "make run    - install, migrate, load the demo council, start the task worker and serve http://127.0.0.1:8000"
	@echo "make test   - run the whole suite on SQLite and on a throwaway PostgreSQL"
	@echo "make serve  - the production profile: gunicorn and the task worker (see README)"
	@echo "make bench  - print performance figures"
	@echo "make loadtest - the production profile under load on a throwaway PostgreSQL"

python:
	@test -n "$(PY)" || { scripts/find-python; exit 1; }

$(UV): | python
	$(PY) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(VENV)/.synced: $(UV) uv.lock pyproject.toml
	$(UV) sync --frozen --python $(PY) --quiet
	@touch $@

node_modules/.package-lock.json: package.json package-lock.json
	@command -v npm >/dev/null || scripts/debian-packages node
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

static/build/app.css: node_modules/.package-lock.json $(wildcard assets/scss/*.scss)
	npm run --silent build

# GOV.UK Frontend's JavaScript, served by the app (static/js/govuk-init.mjs starts it).
static/build/govuk-frontend.min.js: node_modules/.package-lock.json
	mkdir -p static/build
	cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js.map static/build/
	cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js $@

# GOV.UK Frontend compiled with the app's settings; plotly.js comes with the plotly package.
assets: static/build/app.css static/build/govuk-frontend.min.js

deps: $(VENV)/.synced assets

run: deps
	scripts/debian-packages run
	DEBUG=true $(MANAGE) migrate --no-input
	DEBUG=true $(MANAGE) load_demo
	@# The task worker renders agenda packs; it stops with the web server.
	DEBUG=true SITE_URL=http://127.0.0.1:8000 $(MANAGE) db_worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	DEBUG=true SITE_URL=http://127.0.0.1:8000 $(MANAGE) runserver 127.0.0.1:8000

# The production profile: settings from the environment (README, "Running in production"),
# static files hashed and compressed, gunicorn with WEB_CONCURRENCY workers and the task
# worker beside it; both stop together.
serve: deps
	@test -n "$$SECRET_KEY" || { echo "Set SECRET_KEY (and DATABASE_URL, ALLOWED_HOSTS): see README."; exit 1; }
	scripts/debian-packages run
	$(MANAGE) migrate --no-input
	$(MANAGE) store_published_rows --stale
	$(MANAGE) collectstatic --no-input -v0
	LOG_FORMAT=$${LOG_FORMAT:-json} $(MANAGE) task_worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	LOG_FORMAT=$${LOG_FORMAT:-json} $(VENV)/bin/gunicorn scorecard.wsgi \
	  --bind $${BIND:-127.0.0.1:8000} --workers $${WEB_CONCURRENCY:-2} \
	  --access-logfile - --error-logfile -

# Known vulnerabilities in the locked dependencies (scripts/audit.py says what it checks).
audit: deps
	$(VENV)/bin/python scripts/audit.py

lint: deps
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	SECRET_KEY=lint $(MANAGE) makemigrations --check --dry-run

# Lint and the audit first (the audit passes, saying "skipped: no network", when the advisory
# service cannot be reached), then the two passes side by side, each on both cores
# (pytest-xdist), each printing its ten slowest tests at the end.
test: deps
	scripts/debian-packages test
	$(MAKE) --no-print-directory lint
	$(MAKE) --no-print-directory audit
	$(MAKE) --no-print-directory -j2 --output-sync=target test-sqlite test-postgres

PYTEST_XDIST := -n 2 --dist loadgroup --durations=10

test-sqlite: deps
	@echo "== Test suite on SQLite =="
	SECRET_KEY=test TEST_ARTIFACTS=tests/artifacts/sqlite $(VENV)/bin/pytest -q $(PYTEST_XDIST)

# The tests that use the database (marked `database` by tests/conftest.py), but for the
# browser tests: they drive the same views through chromium and run in the SQLite pass.
test-postgres: deps
	@echo "== Test suite on PostgreSQL (the tests that use the database, not the browser) =="
	SECRET_KEY=test TEST_ARTIFACTS=tests/artifacts/postgres scripts/with-postgres \
	  $(VENV)/bin/pytest -q $(PYTEST_XDIST) -m database --ignore=tests/browser

bench: deps
	set -o pipefail; SECRET_KEY=bench $(VENV)/bin/pytest -q -s bench/ | grep "^bench "

# The production profile on a throwaway PostgreSQL with a large council, driven for 60 s by
# locust from a second process: prints `bench loadtest_...` lines, fails on any error or
# lost write (README, "Load test").
loadtest: deps
	scripts/debian-packages run
	scripts/loadtest
