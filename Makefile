# oocd-panel. `make run` and `make test` set everything up on a fresh machine; both are
# idempotent and quick the second time (each step reruns only when its inputs change).

VENV      := .venv
BIN       := $(VENV)/bin
PYTHON    ?= python3
FLASK     := $(BIN)/flask --app wsgi
ASSETS    := oocd_panel/static/build/.built
CHROMIUM  ?= /usr/bin/chromium
# The suite in parallel, one worker a core (pytest-xdist); PYTEST_WORKERS=0 runs it in one process.
PYTEST_WORKERS ?= auto

.DEFAULT_GOAL := help
.PHONY: help setup run test lint typecheck pytest test-postgres bench-setup bench-pages bench-reports bench-seeding bench-letters bench-api workflow-diagram translations clean

help: ## List the targets
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  make %-18s %s\n", $$1, $$2}'

$(BIN)/.installed: pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -qq --disable-pip-version-check -e '.[dev]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(ASSETS): node_modules/.installed assets/build.mjs $(wildcard assets/scss/*.scss)
	npm run --silent build
	touch $@

setup: $(BIN)/.installed $(ASSETS) ## Install Python and npm dependencies, build the CSS and JS

run: export OOCD_ENV ?= development
run: setup ## Upgrade the database, seed demo data if empty, serve on http://127.0.0.1:5000
	$(FLASK) upgrade-db
	$(FLASK) seed-demo --if-empty
	@$(FLASK) demo-sign-ins
	@echo "Serving on http://127.0.0.1:5000 (Ctrl+C to stop)"
	$(FLASK) run --host 127.0.0.1 --port 5000

lint: setup ## ruff check, ruff format --check, import layering
	$(BIN)/ruff check oocd_panel tests migrations bench wsgi.py
	$(BIN)/ruff format --check oocd_panel tests migrations bench wsgi.py
	$(BIN)/lint-imports --no-cache

typecheck: setup ## mypy on oocd_panel/
	$(BIN)/mypy

pytest: setup ## The test suite only (set TEST_DATABASE_URL to run it on PostgreSQL)
	@if [ -x "$(CHROMIUM)" ]; then echo "Browser tests: running with $(CHROMIUM)"; \
	else echo "Browser tests: SKIPPED, no Chromium at $(CHROMIUM) (apt-get install chromium)"; fi
	$(BIN)/pytest -n $(PYTEST_WORKERS)

test: lint typecheck pytest ## Everything CI checks: lint, types, and the whole suite

test-postgres: setup ## The suite against PostgreSQL at 127.0.0.1:5432, database test
	TEST_DATABASE_URL=$${TEST_DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/test} $(BIN)/pytest -n $(PYTEST_WORKERS)

# The letters' message catalogues: the app reads the .po files themselves (nothing to compile).
translations: setup ## Re-extract the letters' texts (messages.pot) and update the Welsh and Polish .po files
	$(BIN)/pybabel extract -F babel.cfg --no-location --sort-output --omit-header -w 100 \
		-o oocd_panel/translations/messages.pot .
	$(BIN)/pybabel update -i oocd_panel/translations/messages.pot -d oocd_panel/translations \
		-w 100 --ignore-pot-creation-date --no-fuzzy-matching

workflow-diagram: setup ## Regenerate docs/workflow.md from the workflow
	OOCD_ENV=development $(FLASK) workflow-diagram

$(BIN)/.bench-installed: $(BIN)/.installed pyproject.toml
	$(BIN)/pip install -qq --disable-pip-version-check -e '.[dev,bench]'
	touch $@

bench-setup: setup $(BIN)/.bench-installed ## What the benchmarks need besides the app (pandas)

bench-pages: bench-setup ## Pages under gunicorn + worker memory; DATABASE=url to serve one (bench/README.md)
	@command -v wrk >/dev/null || (echo "Installing Debian's wrk (the load tool)"; apt-get install -y -qq wrk >/dev/null)
	$(BIN)/python bench/pages.py $(if $(DATABASE),--database "$(DATABASE)")

bench-reports: bench-setup ## Every report in SQL vs pandas: make bench-reports DATABASE=url
	$(BIN)/python bench/reports.py --database "$(DATABASE)"

bench-seeding: bench-setup ## seed-demo vs a plain executemany: make bench-seeding REFERRALS=1000000
	$(BIN)/python bench/seeding.py --referrals $(or $(REFERRALS),100000)

bench-letters: bench-setup ## A letter as HTML and PDF, and a batch of 1,000
	$(BIN)/python bench/letters.py $(if $(DATABASE),--database "$(DATABASE)")

bench-api: bench-setup ## A status lookup through the API, p95: make bench-api [DATABASE=url] [REFERRALS=n]
	$(BIN)/python bench/api.py $(if $(DATABASE),--database "$(DATABASE)") $(if $(REFERRALS),--referrals $(REFERRALS))

clean: ## Remove the virtualenv, node_modules and built assets (keeps instance/ data)
	rm -rf $(VENV) node_modules oocd_panel/static/build
