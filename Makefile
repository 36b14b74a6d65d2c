# chainbrain — two commands for users: `make demo` and `make test`. Both set themselves up.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
CB := $(BIN)/chainbrain
DEMO_DB ?= demo.duckdb
UV := $(shell command -v uv 2>/dev/null || echo $(HOME)/.local/bin/uv)

.PHONY: setup demo test lint unit clean

$(UV):
	python3 -m pip install --quiet --user uv || python3 -m pip install --quiet uv

$(VENV)/.synced: pyproject.toml uv.lock | $(UV)
	"$$(command -v uv || echo $(UV))" sync --frozen
	touch $@

## setup: venv and dependencies (idempotent)
setup: $(VENV)/.synced

## demo: load the bundled Chongqing data into demo.duckdb and show the cluster
demo: setup
	rm -f $(DEMO_DB) $(DEMO_DB).wal
	$(CB) --db $(DEMO_DB) init --demo
	$(CB) --db $(DEMO_DB) stats
	$(CB) --db $(DEMO_DB) chain local-rate --by oem
	$(CB) --db $(DEMO_DB) chain gaps --top 15

lint: setup
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/ruff format --check src tests bench scripts

unit: setup
	$(BIN)/pytest -q -n 2

## test: every test and the linters
test: setup lint unit

clean:
	rm -rf $(VENV) $(DEMO_DB) $(DEMO_DB).wal .pytest_cache .ruff_cache
