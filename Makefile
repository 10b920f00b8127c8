# oos-kg: thin verbs. Every target that needs the environment sets it up first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install serve test lint fmt check bench clean browser virtuoso

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,dev]'
	touch $(STAMP)

## install: create .venv and install the package with its test and dev tools (no run)
install: $(STAMP)

## serve: install, load the store if the Turtle files changed, serve on http://$(HOST):$(PORT)
serve: $(STAMP)
	$(BIN)/oos-kg serve --host $(HOST) --port $(PORT)

## test: install, then run the whole suite (style, SHACL, reasoning, SPARQL checks, pytest)
test: $(STAMP)
	$(BIN)/lint-imports
	$(BIN)/python -m pytest -n 2 --dist loadgroup --cov --cov-report=term:skip-covered --cov-fail-under=70

## browser: install Debian's chromium, chromium-driver and fonts-noto-cjk for tests/ui (needs root; skipped when present)
browser:
	@if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ] && fc-list | grep -q "Noto Sans CJK"; then echo "chromium: present"; \
	else apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium chromium-driver fonts-noto-cjk; fi

## virtuoso: install Debian's virtuoso-opensource for the remote-store tests (needs root; skipped when present)
virtuoso:
	@if [ -x /usr/bin/virtuoso-t ]; then echo "virtuoso: present"; \
	else apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y virtuoso-opensource; fi

## check: parse, validate and reason over the graph and print its counts
check: $(STAMP)
	$(BIN)/oos-kg check

lint: $(STAMP)
	$(BIN)/ruff check oos_kg graphql_api tests bench
	$(BIN)/ruff format --check oos_kg graphql_api tests bench
	$(BIN)/mypy

fmt: $(STAMP)
	$(BIN)/ruff format oos_kg graphql_api tests bench
	$(BIN)/ruff check --fix oos_kg graphql_api tests bench

## bench: every benchmark, figures into bench/README.md (BENCH_ARGS=--quick for a short run)
bench: $(STAMP)
	@command -v wrk >/dev/null || { [ "$$(id -u)" = 0 ] && apt-get update -qq \
		&& DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; } \
		|| echo "no wrk (Debian package): the slower asyncio client measures"
	$(BIN)/python -m bench $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var .pytest_cache .coverage .mypy_cache .ruff_cache
