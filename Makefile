# Utfordringsbilde: `make help` lists the targets.
PYTHON ?= python3.11
VENV   := .venv
PY     := $(VENV)/bin/python
PORT   ?= 8501

.DEFAULT_GOAL := help

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-8s %s\n", $$1, $$2}'

$(VENV)/.runtime: requirements.txt
	@command -v $(PYTHON) >/dev/null || { echo "Needs $(PYTHON) (Python 3.11)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.runtime ## Create .venv and install the runtime dependencies

REPLICAS ?=
run: $(VENV)/.runtime ## Set up, build the warehouse if missing, serve on port PORT (default 8501; one replica per two CPUs, behind haproxy when more than one)
	$(PY) -m etl ensure
	$(PY) -m serve --port $(PORT) $(if $(REPLICAS),--replicas $(REPLICAS))

demo: $(VENV)/.runtime ## Rebuild the warehouse from the simulated demo data
	$(PY) -m etl demo

etl: $(VENV)/.runtime ## Refresh the warehouse from the live public APIs (SSB, KLASS, FHI)
	$(PY) -m etl refresh

test: $(VENV)/.dev ## Set up and run every test (unit, ETL, app, browser)
	$(PY) -m pytest

lint: $(VENV)/.dev ## ruff and mypy on the core, the ETL, ui/ and pages/
	$(PY) -m ruff check .
	$(PY) -m mypy

locale: $(VENV)/.runtime ## Bring every language in locale/ up to the template and compile it
	$(PY) -m utfordringsbilde.i18n compile

KOMMUNE ?= 3301
FORMAT  ?= pdf
report: $(VENV)/.runtime ## Write the PDF status report (FORMAT=pptx: the slides) for KOMMUNE to reports/
	$(PY) -m etl ensure
	$(PY) -m utfordringsbilde.report --kommune $(KOMMUNE) --format $(FORMAT)

bench: $(VENV)/.dev ## Build the national-scale warehouse and time the page queries
	$(PY) -m bench

.PHONY: help install run demo etl test lint bench report locale
