# Two set-up commands for a fresh Debian machine with Python 3.11:
#   make run   - creates .venv, installs, migrates, loads the demo, serves on http://127.0.0.1:5000
#   make test  - creates .venv if missing, installs dev requirements, runs the whole suite
#   make audit - known vulnerabilities of every pinned package (pip-audit; needs the network)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test test-fast lint serve migrate demo system-deps clean audit lighthouse

$(BIN)/python:
	@scripts/ensure-venv.sh $(PYTHON) $(VENV)

$(VENV)/.runtime-installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements-dev.txt requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@ $(VENV)/.runtime-installed

system-deps:
	@scripts/system-deps.sh

migrate: $(VENV)/.runtime-installed
	$(FLASK) db upgrade

demo: migrate
	$(FLASK) demo-certificate
	$(FLASK) demo

run: system-deps demo
	$(FLASK) run --host $(HOST) --port $(PORT)

test: system-deps $(VENV)/.dev-installed
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Known vulnerabilities in every installed package (runtime and dev), from the PyPI/OSV
# advisory database: needs the network; offline it fails and says it could not reach it.
audit: $(VENV)/.dev-installed
	$(BIN)/pip-audit --progress-spinner off --desc on

test-fast: $(VENV)/.dev-installed
	$(BIN)/python -m pytest -m "not slow" $(PYTEST_ARGS)

# ruff (rules in pyproject.toml) and mypy on the packages; CI runs it before the tests.
lint: $(VENV)/.dev-installed
	$(BIN)/ruff check gazette_app issues search_index print_templates tests bench migrations
	$(BIN)/mypy

# Lighthouse (mobile, Debian's Chromium) on the public pages of a freshly served demo, scores
# printed and kept in test-artifacts/lighthouse.json; installs Lighthouse from npm on first use.
# GAZETTE_DEMO_URL=http://127.0.0.1:5000 make lighthouse measures the demo `make run` serves.
lighthouse: system-deps $(VENV)/.dev-installed
	$(BIN)/python -m pytest tests/test_lighthouse.py -s -q $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache

.PHONY: bench bench-full bench-1m
# bench_api.py: the demo on one server (make bench); bench-full adds the several-server mode
# (two servers on one PostgreSQL database) and 100,000 documents, built once (about 25 minutes
# per backend on 2 busy cores) and cached in bench/.cache/ until the corpus or a schema changes.
bench: system-deps $(VENV)/.dev-installed
	$(BIN)/python bench/bench_compose.py
	$(BIN)/python bench/bench_volume.py
	$(BIN)/python bench/bench_search.py --sizes 10000
	$(BIN)/python bench/bench_api.py --instance demo --backends tantivy
	$(BIN)/python bench/bench_intake.py
	$(BIN)/python bench/bench_import.py

bench-full: system-deps $(VENV)/.dev-installed
	$(BIN)/python bench/bench_compose.py
	$(BIN)/python bench/bench_volume.py
	$(BIN)/python bench/bench_search.py --sizes 10000,100000
	$(BIN)/python bench/bench_api.py --instance demo,100k --backends tantivy,postgres
	$(BIN)/python bench/bench_intake.py --full
	$(BIN)/python bench/bench_import.py --full

# A million documents, on request (streamed: the corpus is never held in memory; about an
# hour on 2 cores, most of it indexing). GAZETTE_BENCH_TMP chooses the disk for the indexes.
bench-1m: system-deps $(VENV)/.dev-installed
	$(BIN)/python bench/bench_search.py --sizes 1000000 --backends fts5,tantivy,postgres
