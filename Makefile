# chainbrain — two commands for users: `make demo` and `make test`. Both set themselves up.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
CB := $(BIN)/chainbrain
DEMO_DB ?= demo.duckdb
HOST ?= 127.0.0.1
PORT ?= 8000
STATIC := src/chainbrain/api/static/index.html
FRONTEND_SRC := $(shell find frontend/src -type f 2>/dev/null) frontend/index.html frontend/package.json \
	frontend/package-lock.json frontend/vite.config.ts $(wildcard frontend/tsconfig*.json)

.PHONY: setup demo test lint typecheck unit browser clean

$(VENV)/.synced: pyproject.toml uv.lock
	command -v uv >/dev/null 2>&1 || python3 -m pip install --quiet uv
	uv sync --frozen
	touch $@

frontend/node_modules/.package-lock.json: frontend/package-lock.json
	# npm ci installs exactly the committed lock and never rewrites it (make setup keeps the tree clean)
	cd frontend && npm ci --no-audit --no-fund --loglevel=error

# the dashboard, built into the package's static files
$(STATIC): frontend/node_modules/.package-lock.json $(FRONTEND_SRC)
	cd frontend && npm run build --silent

## setup: venv, dependencies and the front-end build (idempotent)
setup: $(VENV)/.synced $(STATIC)

## demo: load the bundled Chongqing data into demo.duckdb, show the cluster, serve the dashboard
demo: setup
	rm -f $(DEMO_DB) $(DEMO_DB).wal
	$(CB) --db $(DEMO_DB) init --demo
	$(CB) --db $(DEMO_DB) stats
	$(CB) --db $(DEMO_DB) chain local-rate --by oem
	$(CB) --db $(DEMO_DB) user demo
	-@$(BIN)/python -m chainbrain.report.charts
	$(CB) --db $(DEMO_DB) serve --host $(HOST) --port $(PORT)

lint: setup
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/ruff format --check src tests bench scripts

typecheck: setup
	$(BIN)/mypy src/chainbrain

unit: setup
	$(BIN)/pytest -q -n 2 -m "not browser"

browser: setup
	CHAINBRAIN_REQUIRE_BROWSER=1 $(BIN)/pytest -q -m browser tests/browser

## test: every test (unit, API, browser) and the linters
test: lint typecheck unit browser

clean:
	rm -rf $(VENV) $(DEMO_DB) $(DEMO_DB).wal .pytest_cache .ruff_cache src/chainbrain/api/static frontend/node_modules
