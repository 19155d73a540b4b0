# claude-cost: `make serve` and `make test` each do all of their own set-up on a fresh machine.
SHELL := /bin/bash
export NO_MKDOCS_2_WARNING := 1
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PY_STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed
BROWSER_FILE := .cache/chromium-path
FAKETIME_FILE := .cache/faketime-path
JAVA_FILE := .cache/java-home
SCALE_STAMP := $(VENV)/.installed-scale
# `make test-scale` runs the docs' rate-table SQL in Apache Spark local mode with this pyspark (about 400 MB,
# so not part of the dev extra that `make test` installs).
PYSPARK := pyspark==4.3.0
PYTEST_ARGS ?=
# The days `make test-clock` sets the machine clock to (today is added): a retirement, mid-year and year end.
CLOCK_DAYS ?= 2027-01-23 2027-06-30 2027-12-31

.PHONY: help install serve docs docs-offline site test test-unit test-browser test-clock test-scale bench lint clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | column -t -s $$'\t'

$(PY_STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $@

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

$(BROWSER_FILE): $(PY_STAMP) scripts/ensure-chromium.sh
	@mkdir -p $(dir $@)
	scripts/ensure-chromium.sh $(PY) > $@.tmp && mv $@.tmp $@

$(FAKETIME_FILE): scripts/ensure-faketime.sh
	@mkdir -p $(dir $@)
	scripts/ensure-faketime.sh > $@.tmp && mv $@.tmp $@

$(JAVA_FILE): scripts/ensure-java.sh
	@mkdir -p $(dir $@)
	scripts/ensure-java.sh > $@.tmp && mv $@.tmp $@

$(SCALE_STAMP): $(PY_STAMP) Makefile
	$(PY) -m pip install --quiet '$(PYSPARK)'
	@touch $@

install: $(PY_STAMP) $(NODE_STAMP) ## create .venv, install Python and npm dependencies

serve: install ## build and serve the site on http://127.0.0.1:8000
	$(VENV)/bin/mkdocs serve --strict --dev-addr 127.0.0.1:8000

docs: install ## strict build of the site into site/
	$(VENV)/bin/mkdocs build --strict --site-dir site

docs-offline: install ## the site as files to browse from disk (file://) into site-offline/
	$(VENV)/bin/mkdocs build --strict -f mkdocs-offline.yml --site-dir site-offline
	@echo "Open site-offline/index.html in a browser. The calculators need a web server: make serve."

site: docs

test: install $(BROWSER_FILE) $(FAKETIME_FILE) ## the full suite: unit, docs and browser tests
	CLAUDE_COST_CHROMIUM="$$(cat $(BROWSER_FILE))" $(PY) -m pytest $(PYTEST_ARGS)

test-clock: install $(FAKETIME_FILE) ## the non-browser suite with the machine clock set to today and CLOCK_DAYS
	@ft="$$(cat $(FAKETIME_FILE))"; if [ -z "$$ft" ]; then echo "test-clock needs faketime (apt-get install faketime)"; exit 1; fi; \
	for day in $$(date -u +%F) $(CLOCK_DAYS); do \
	  echo "== clock set to $$day"; \
	  FAKETIME_DONT_FAKE_MONOTONIC=1 "$$ft" -f "@$$day 12:00:00" $(PY) -m pytest -q -m "not browser and not real_timers" -p no:cacheprovider $(PYTEST_ARGS) || exit 1; \
	done

test-scale: install $(JAVA_FILE) $(SCALE_STAMP) ## the docs' rate-table SQL in Apache Spark local mode (installs Java and pyspark)
	JAVA_HOME="$$(cat $(JAVA_FILE))" $(PY) -m pytest -m scale -p no:cacheprovider $(PYTEST_ARGS)

test-unit: install ## the fast tests only (no browser)
	$(PY) -m pytest -m "not browser" $(PYTEST_ARGS)

test-browser: install $(BROWSER_FILE) ## the browser tests only
	CLAUDE_COST_CHROMIUM="$$(cat $(BROWSER_FILE))" $(PY) -m pytest -m browser $(PYTEST_ARGS)

bench: install $(BROWSER_FILE) ## run every benchmark in bench/ and print its figures
	@for script in bench/bench_*.py; do echo "== $$script"; CLAUDE_COST_CHROMIUM="$$(cat $(BROWSER_FILE))" $(PY) $$script || exit 1; done

lint: install ## ruff, and mypy on calculators/
	$(VENV)/bin/ruff check calculators hooks tests bench
	$(VENV)/bin/mypy

clean: ## remove build output (keeps .venv and node_modules)
	rm -rf site site-offline .cache .pytest_cache .hypothesis
