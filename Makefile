# induction-simulator — `make run` starts the product, `make test` runs every test.
# Steps are cached by stamp files: re-running is fast when nothing changed.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMPS := .stamps
# The PostgreSQL 15 server the backend tests also run on (the promised floor).
PG15_URL ?= postgresql://postgres@127.0.0.1:5432/test
CHROMIUM ?= /usr/bin/chromium

BACKEND_DEPS := backend/pyproject.toml backend/constraints.txt
FRONTEND_SRC := $(shell find frontend/src frontend/public -type f 2>/dev/null) \
	$(wildcard frontend/index.html frontend/vite.config.* frontend/tsconfig*.json)

.PHONY: help run test lint clean api-types

help:
	@echo "make run    start database + API + dashboard at http://$${HOST:-127.0.0.1}:$${PORT:-8000}"
	@echo "make test   lint, type-check and run every test (backend, frontend, browser)"
	@echo "make api-types  regenerate frontend/openapi.json and src/lib/apiTypes.ts from the backend"
	@echo "make clean  remove .venv, node_modules, builds (keeps .data)"

# --- environments ---------------------------------------------------------------------------

$(STAMPS)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
	  { echo "error: Python 3.11+ is needed (found $$($(PYTHON) --version)); set PYTHON=python3.12"; exit 1; }
	@mkdir -p $(STAMPS) && touch $@

$(STAMPS)/venv: $(STAMPS)/python $(BACKEND_DEPS)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c backend/constraints.txt -e 'backend[dev,tools]'
	@touch $@

$(STAMPS)/node_modules: frontend/package.json frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund
	@mkdir -p $(STAMPS) && touch $@

frontend/dist/index.html: $(STAMPS)/node_modules $(FRONTEND_SRC)
	cd frontend && npm run build

# --- the two commands -----------------------------------------------------------------------

run: $(STAMPS)/venv frontend/dist/index.html
	$(BIN)/induction-sim serve

test: $(STAMPS)/venv $(STAMPS)/node_modules frontend/dist/index.html
	@echo "== backend: lint, format, types"
	cd backend && ../$(BIN)/ruff check . && ../$(BIN)/ruff format --check . && ../$(BIN)/mypy
	@echo "== API types generated from the OpenAPI schema are current"
	@$(MAKE) --no-print-directory api-types >/dev/null && git diff --exit-code --stat frontend/openapi.json frontend/src/lib/apiTypes.ts || { echo "API types are stale: run make api-types"; exit 1; }
	@echo "== backend: tests on embedded PostgreSQL"
	cd backend && env -u DATABASE_URL -u TEST_DATABASE_URL ../$(BIN)/pytest -n auto
	@echo "== backend: database tests on PostgreSQL 15 ($(PG15_URL))"
	@if [ "$${CI:-}" = "true" ] || $(BIN)/python -c "import socket; socket.create_connection(('127.0.0.1', 5432), 1)" 2>/dev/null; then \
	  cd backend && TEST_DATABASE_URL=$(PG15_URL) ../$(BIN)/pytest -n auto -m db; \
	else echo "SKIPPED PostgreSQL 15 run: nothing listens on 127.0.0.1:5432 (CI runs it always)"; fi
	@echo "== frontend: types, lint, unit tests"
	cd frontend && npm run typecheck && npm run lint && npm test
	@echo "== browser end-to-end (Debian Chromium)"
	@if [ "$${CI:-}" = "true" ] && [ ! -x $(CHROMIUM) ]; then \
	  echo "installing Debian chromium for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; fi
	cd frontend && CHROMIUM_PATH=$(CHROMIUM) npm run e2e

# --- extras ---------------------------------------------------------------------------------

lint: $(STAMPS)/venv $(STAMPS)/node_modules
	cd backend && ../$(BIN)/ruff check . && ../$(BIN)/ruff format --check . && ../$(BIN)/mypy
	cd frontend && npm run typecheck && npm run lint

# The dashboard's API types come from the server's OpenAPI schema (`make test` checks they are current).
api-types: $(STAMPS)/venv $(STAMPS)/node_modules
	$(BIN)/python -m induction_sim.api.schema_dump > frontend/openapi.json.tmp
	mv frontend/openapi.json.tmp frontend/openapi.json
	cd frontend && npm run --silent gen:api

clean:
	rm -rf $(VENV) $(STAMPS) frontend/node_modules frontend/dist
