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
# The suite runs in one process per core (pytest-xdist), each with a database
# of its own; a test file stays on one process, so its module fixtures start once.
TEST_WORKERS ?= $(shell nproc 2>/dev/null || echo 2)
PYTEST := $(BIN)/pytest --numprocesses=$(TEST_WORKERS) --dist=loadfile

# `make run` serves what production serves (DEBUG off: hashed, compressed static
# files cached for a year, branded error pages, compiled templates kept), on the
# local address over plain HTTP, with a secret kept under var/. It also serves
# the demo's images and news feeds, and lets the demo's moderators in without
# two-factor. `make dev` serves with DEBUG on and reloads on code changes.
SECRET_KEY_FILE := var/secret_key
PRODUCTION_ENV := DEBUG=false SECRET_KEY_FILE=$(SECRET_KEY_FILE) \
	ALLOWED_HOSTS=$(HOST),127.0.0.1,localhost
RUN_ENV := $(PRODUCTION_ENV) SERVE_MEDIA=true SERVE_DEMO_FEEDS=true REQUIRE_STAFF_TWO_FACTOR=false

VENDOR := bigsocnorth/static/vendor
STATIC_SOURCES := $(shell find bigsocnorth -path '*/static/*' -type f -not -path '$(VENDOR)/*' 2>/dev/null)

.PHONY: help run run-scaled dev test setup lint format bench backup migrate demo browser-deps \
	scaled-services clean

help:
	@echo "make run     set everything up, load demo data on the first run, serve on http://$(HOST):$(PORT)"
	@echo "make run-scaled  the same as production runs it: nginx, three app processes,"
	@echo "             PostgreSQL, Redis, two task workers and the scheduler (docs/operations.md)"
	@echo "make dev     the same with DEBUG on, reloading when the code changes"
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

$(SECRET_KEY_FILE):
	@mkdir -p $(@D)
	@(umask 077 && $(PYTHON) -c "import secrets; print(secrets.token_urlsafe(50))" > $@)

# Collected with production's storage (hashed names, gzip and Brotli copies),
# which also keeps the plain names that DEBUG mode asks for.
var/.collected: $(VENV)/.synced $(VENDOR)/.copied $(STATIC_SOURCES) | $(SECRET_KEY_FILE)
	$(PRODUCTION_ENV) $(BIN)/python manage.py collectstatic --noinput --verbosity 0
	@touch $@

setup: $(VENV)/.synced $(VENDOR)/.copied var/.collected $(SECRET_KEY_FILE)

migrate: setup
	$(BIN)/python manage.py prepare

demo: setup
	$(BIN)/python manage.py prepare --demo-data

# The demo's news feeds are served by this site itself, at SITE_URL/demo/feeds/;
# with SERVE_DEMO_FEEDS on, the feed fetcher may reach exactly that and nothing
# else on this machine (docs/stories.md).
run: demo
	$(RUN_ENV) $(BIN)/python manage.py serve --host "$(HOST)" --port "$(PORT)"

dev: demo
	$(BIN)/python manage.py serve --reload --host "$(HOST)" --port "$(PORT)"

browser-deps:
	@scripts/ensure-chromium

scaled-services:
	@scripts/ensure-scaled-services

# Production's shape on one machine (bigsocnorth/core/scaled.py): PostgreSQL of
# its own under var/scaled/ (or DATABASE_URL), Redis (or REDIS_URL), nginx on
# $(PORT) in front of three app processes, two task workers and the scheduler.
run-scaled: setup scaled-services
	$(PRODUCTION_ENV) SERVE_DEMO_FEEDS=true REQUIRE_STAFF_TWO_FACTOR=false \
		$(BIN)/python manage.py serve_scaled --host "$(HOST)" --port "$(PORT)"

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test: lint browser-deps scaled-services
	$(BIN)/python manage.py makemigrations --check --dry-run
	@echo "==> Test suite on SQLite"
	env -u DATABASE_URL $(PYTEST)
	@if [ -n "$$DATABASE_URL" ]; then \
		echo "==> Test suite on PostgreSQL ($$(echo "$$DATABASE_URL" | sed -E 's#//[^@/]*@#//#; s#\?.*##'))"; \
		$(PYTEST); \
	else \
		echo "==> DATABASE_URL is not set: the PostgreSQL run is skipped (CI sets it)"; \
	fi

bench: migrate
	$(BIN)/python -m bench

backup: migrate
	$(BIN)/python manage.py backup

clean:
	rm -rf $(VENV) node_modules $(VENDOR) var/static var/.collected
