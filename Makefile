# The two commands a newcomer needs: `make run` and `make test`.
# Everything else is set up on demand and only redone when its inputs change.

SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.12 2>/dev/null || command -v python3 2>/dev/null)
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.8
HOST ?= 127.0.0.1
PORT ?= 8000
export HOST PORT
# Links in emails and feeds, and the demo's news feed addresses, name the site
# where make run serves it, unless the environment says otherwise.
export SITE_URL ?= http://$(HOST):$(PORT)

VENDOR := bigsocnorth/static/vendor
STATIC_SOURCES := $(shell find bigsocnorth -path '*/static/*' -type f -not -path '$(VENDOR)/*' 2>/dev/null)

.PHONY: help run test setup lint format bench backup migrate demo browser-deps clean

help:
	@echo "make run     set everything up, load demo data on the first run, serve on http://$(HOST):$(PORT)"
	@echo "make test    set everything up, then lint, migration check and the whole test suite"
	@echo "make bench   run the benchmarks in bench/ (by hand, never in the test suite)"
	@echo "make backup  write a consistent backup of the database under var/backups/"

$(BIN)/python:
	@scripts/check-python "$(PYTHON)"
	"$(PYTHON)" -m venv $(VENV)

$(BIN)/uv: | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"

$(VENV)/.synced: uv.lock pyproject.toml | $(BIN)/uv
	$(BIN)/uv sync --frozen --python $(BIN)/python
	@touch $@

node_modules/.package-lock.json: package-lock.json package.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

$(VENDOR)/.copied: node_modules/.package-lock.json scripts/copy-vendor-assets
	scripts/copy-vendor-assets
	@touch $@

var/.collected: $(VENV)/.synced $(VENDOR)/.copied $(STATIC_SOURCES)
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	@touch $@

setup: $(VENV)/.synced $(VENDOR)/.copied var/.collected

migrate: setup
	$(BIN)/python manage.py prepare

demo: setup
	$(BIN)/python manage.py prepare --demo-data

# The demo's news feeds are served by this site itself, on 127.0.0.1, which the
# feed fetcher refuses unless it is allowed (docs/stories.md). An environment
# that sets FETCH_ALLOWED_NETWORKS, even to nothing, keeps its own value.
run: demo
	FETCH_ALLOWED_NETWORKS="$${FETCH_ALLOWED_NETWORKS-127.0.0.1/32}" $(BIN)/python manage.py serve --host "$(HOST)" --port "$(PORT)"

browser-deps:
	@scripts/ensure-chromium

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test: lint browser-deps
	$(BIN)/python manage.py makemigrations --check --dry-run
	@echo "==> Test suite on SQLite"
	env -u DATABASE_URL $(BIN)/pytest
	@if [ -n "$$DATABASE_URL" ]; then \
		echo "==> Test suite on PostgreSQL ($$(echo "$$DATABASE_URL" | sed -E 's#//[^@/]*@#//#; s#\?.*##'))"; \
		$(BIN)/pytest; \
	else \
		echo "==> DATABASE_URL is not set: the PostgreSQL run is skipped (CI sets it)"; \
	fi

bench: migrate
	$(BIN)/python -m bench

backup: migrate
	$(BIN)/python manage.py backup

clean:
	rm -rf $(VENV) node_modules $(VENDOR) var/static var/.collected
