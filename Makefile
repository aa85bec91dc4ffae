# Statements API — every task is a make target; `make help` lists them.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
HOST ?= 127.0.0.1
PORT ?= 8000
LOCK := requirements/dev.txt
STAMP := $(VENV)/.installed-$(shell cat $(LOCK) requirements/base.txt 2>/dev/null | sha256sum | cut -c1-12)
SCHEMA := openapi.yaml
GUNICORN_WORKERS ?= 2
# serve-prod runs with production settings; a throwaway key unless one is given.
PROD_ENV := DEBUG=false SECRET_KEY=$${SECRET_KEY:-$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))')}

.PHONY: help install run test test-quick lint fmt check migrate seed schema schema-check serve-prod collectstatic lock clean lint-schema client-test fuzz frontend frontend-check browser-deps browser-test demo-data bench loadtest faults

help: ## List the targets
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  \033[1m%-14s\033[0m %s\n", $$1, $$2}'

$(STAMP): $(LOCK) requirements/base.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is required")'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r $(LOCK)
	@rm -f $(VENV)/.installed-*
	@touch $@

install: $(STAMP) ## Create .venv from the lock file (only when missing or stale)

migrate: install ## Apply database migrations
	$(PY) manage.py migrate --no-input

seed: migrate ## Load the fixtures (idempotent)
	$(PY) manage.py seed

run: seed ## Migrate, seed and serve the API at http://127.0.0.1:8000
	@echo "Serving Statements API at http://$(HOST):$(PORT)/api/v1/ (docs: /api/v1/docs/)"
	DEBUG=$${DEBUG:-true} RATE_LIMIT_ANONYMOUS=$${RATE_LIMIT_ANONYMOUS:-6000} \
		$(PY) manage.py serve_dev $(HOST):$(PORT)

lint: install ## ruff check and ruff format --check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

fmt: install ## Format and auto-fix with ruff
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

check: install ## Django system checks and migrations drift
	$(PY) manage.py check --fail-level WARNING
	$(PY) manage.py makemigrations --check --dry-run

# The examples are the seeded API's responses, recorded on a throwaway database into
# statements/api/examples.json; generating the schema reads only that file.
schema: install ## Record the examples, write the export docs, regenerate the schema
	$(PY) manage.py record_examples
	$(PY) manage.py export_docs
	$(PY) manage.py spectacular --validate --fail-on-warn --file $(SCHEMA)

schema-check: install ## Fail when the committed schema differs (needs no database)
	$(PY) manage.py spectacular --validate --fail-on-warn --file .data/openapi.generated.yaml
	diff -u $(SCHEMA) .data/openapi.generated.yaml

# Redocly (recommended) and Spectral (spectral:oas), versions pinned in
# tools/openapi-lint/package-lock.json; every rule switched off says why in
# tools/openapi-lint/redocly.yaml and .spectral.yaml. Needs node and the npm registry.
LINT_TOOLS := tools/openapi-lint
lint-schema: ## Redocly and Spectral on openapi.yaml: 0 errors, 0 warnings (npm)
	cd $(LINT_TOOLS) && npm ci --no-audit --no-fund --silent
	cd $(LINT_TOOLS) && REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true \
		npx --no-install redocly lint --config redocly.yaml --max-problems 1000 ../../$(SCHEMA)
	cd $(LINT_TOOLS) && npx --no-install spectral lint --ruleset .spectral.yaml \
		--fail-severity=warn ../../$(SCHEMA)

client-test: install ## The TypeScript client's tests and example on a live seeded server (npm)
	.ci/client_test.sh

test: lint check schema-check ## Lint, checks, schema drift and the test suite on PostgreSQL
	$(BIN)/pytest --ignore=tests/reliability/test_browser.py $(PYTEST_ARGS)

test-quick: install ## The tests that run in-process (no lint, no slow marker): the edit loop
	$(BIN)/pytest --ignore=tests/reliability/test_browser.py -m "not slow" $(PYTEST_ARGS)

collectstatic: install ## Collect static files for production serving
	WHITENOISE_USE_FINDERS=false $(PY) manage.py collectstatic --no-input --verbosity 0

# gunicorn also reads ./gunicorn.conf.py (gc.freeze after start-up), as the image does.
serve-prod: migrate collectstatic ## gunicorn with production-like settings
	$(PROD_ENV) WHITENOISE_USE_FINDERS=false $(BIN)/gunicorn config.wsgi \
		--bind $(HOST):$(PORT) --workers $(GUNICORN_WORKERS) --access-logfile -

lock: ## Re-resolve requirements/*.txt from pyproject.toml (uses uv)
	@test -x .venv-tools/bin/uv || ($(PYTHON) -m venv .venv-tools && .venv-tools/bin/pip install --quiet uv)
	.venv-tools/bin/uv pip compile pyproject.toml --universal --python-version 3.11 --generate-hashes --upgrade -o requirements/base.txt
	.venv-tools/bin/uv pip compile pyproject.toml --universal --python-version 3.11 --generate-hashes --upgrade --extra dev -o requirements/dev.txt

clean: ## Remove .venv and .data (the embedded database)
	rm -rf $(VENV) .data

fuzz: install ## schemathesis, every check, positive and negative, on a live server
	.ci/fuzz.sh

# The explorer (/explore/): TypeScript in frontend/, typed from openapi.yaml and
# bundled by esbuild into statements/static/explore/, which is committed.
FRONTEND := frontend
FRONTEND_BUILD := .data/frontend

$(FRONTEND)/node_modules/.package-lock.json: $(FRONTEND)/package-lock.json $(FRONTEND)/package.json
	cd $(FRONTEND) && npm ci --no-audit --no-fund
	@touch $@

frontend: $(FRONTEND)/node_modules/.package-lock.json ## Build the explorer into statements/static/explore/ (npm ci first)
	cd $(FRONTEND) && npm run --silent build

frontend-check: $(FRONTEND)/node_modules/.package-lock.json ## Fail when the committed explorer build differs from a fresh one
	rm -rf $(FRONTEND_BUILD) && mkdir -p $(FRONTEND_BUILD)
	cd $(FRONTEND) && npx openapi-typescript ../$(SCHEMA) -o ../$(FRONTEND_BUILD)/schema.d.ts --silent
	@diff -u $(FRONTEND)/src/schema.d.ts $(FRONTEND_BUILD)/schema.d.ts || { \
		echo "frontend/src/schema.d.ts is stale: run make frontend and commit it"; exit 1; }
	cd $(FRONTEND) && npx tsc --noEmit && node build.mjs ../$(FRONTEND_BUILD)/explore
	@diff -ru statements/static/explore $(FRONTEND_BUILD)/explore || { \
		echo "statements/static/explore/ is stale: run make frontend and commit it"; exit 1; }

# CI runs as root on Debian; elsewhere apt-get runs through sudo.
browser-deps: ## Install Debian's chromium for the browser tests when it is missing
	@command -v chromium >/dev/null || { \
		command -v apt-get >/dev/null || { echo "chromium is missing: install it"; exit 1; }; \
		sudo=$$(test "$$(id -u)" = 0 || echo sudo); \
		echo "Installing chromium (Debian package)"; \
		$$sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
			$$sudo apt-get install -y -qq chromium >/dev/null; }

# Playwright (pip) drives Debian's chromium; axe-core comes from frontend/node_modules.
browser-test: install browser-deps frontend-check ## The explorer, Swagger UI and ReDoc in headless Chromium
	$(BIN)/pytest tests/reliability/test_browser.py -p no:cacheprovider $(PYTEST_ARGS)

# The benchmark suite (docs/performance.md), on its own *_demo database only.
DEMO_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/statements_demo
DEMO_QUOTES ?= 200000
DEMO_SEED ?= 1

demo-data: install ## Generate the benchmark data set into DEMO_DATABASE_URL (*_demo)
	DATABASE_URL=$(DEMO_DATABASE_URL) $(PY) manage.py generate_demo_data \
		--quotes $(DEMO_QUOTES) --seed $(DEMO_SEED) --reset

# wrk is Debian's package; as root here and in CI, elsewhere through sudo.
bench: install ## Load-test the API and its floors on the demo data (docs/performance.md)
	@command -v wrk >/dev/null || { \
		command -v apt-get >/dev/null || { echo "wrk is missing: install it"; exit 1; }; \
		sudo=$$(test "$$(id -u)" = 0 || echo sudo); \
		echo "Installing wrk (Debian package)"; \
		$$sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
			$$sudo apt-get install -y -qq wrk >/dev/null; }
	DATABASE_URL=$(DEMO_DATABASE_URL) $(PY) manage.py generate_demo_data \
		--quotes $(DEMO_QUOTES) --seed $(DEMO_SEED) --keep-existing
	DATABASE_URL=$(DEMO_DATABASE_URL) WHITENOISE_USE_FINDERS=false \
		$(PY) manage.py collectstatic --no-input --verbosity 0
	BENCH_DATABASE_URL=$(DEMO_DATABASE_URL) $(PY) -m bench.run $(BENCH_ARGS)

loadtest: install ## locust for 60 s (LOADTEST_DURATION); fails on any error or 5xx
	$(PY) -m loadtest.load

faults: install ## Stop PostgreSQL, kill a worker, fail a seed, under load (own PostgreSQL)
	$(PY) -m loadtest.faults
