# govinspect — the two commands of the README, and a few for operators.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

export GOVINSPECT_HOME ?= $(CURDIR)/.govinspect
export GOVINSPECT_REPORTS_DIR ?= $(CURDIR)/reports

.PHONY: demo test airflow setup lint bench bench-quick clean test-airflow compose-check

$(VENV)/.installed: pyproject.toml requirements/constraints.txt
	scripts/system-deps.sh
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade "pip>=24"
	$(BIN)/pip install -q -c requirements/constraints.txt -e '.[test]'
	touch $@

setup: $(VENV)/.installed

## make demo: install everything, run 2020 Q3 on the demo county, print the notice PDF path
demo: setup
	$(BIN)/govinspect demo

## make test: the whole test suite (SQLite and PostgreSQL store tests, real Airflow, real HTTP)
test: setup
	scripts/system-deps.sh test
	$(BIN)/python -m pytest -p no:cacheprovider

## make airflow: Airflow standalone on http://localhost:8080 with the demo data
airflow: setup
	scripts/airflow-standalone.sh

## make test-airflow: the deployment's tests alone (real scheduler on PostgreSQL, rerun, Inspection view, compose)
test-airflow: setup
	scripts/system-deps.sh test
	$(BIN)/python -m pytest -p no:cacheprovider tests/dags tests/integration/test_scheduler.py \
		tests/integration/test_rerun.py tests/integration/test_ui.py tests/integration/test_ui_views.py

## make compose-check: validate docker-compose.yml as docker compose reads it (no Docker engine needed)
compose-check:
	docker-compose --env-file .env.example -f docker-compose.yml config -q

lint: setup
	$(BIN)/ruff check include dags plugins tests bench

## make bench: every benchmark at its three sizes (installs nginx, wrk, linkchecker first: bench/setup.sh)
bench: setup
	bench/setup.sh
	$(BIN)/python bench/bench_website.py
	$(BIN)/python bench/bench_http.py
	$(BIN)/python bench/bench_extract.py
	$(BIN)/python bench/bench_score.py
	$(BIN)/python bench/bench_notice.py
	$(BIN)/python bench/bench_province.py

## make bench-quick: the headline figures at small sizes, one `name: value` line each (under 5 minutes)
bench-quick: setup
	bench/setup.sh
	$(BIN)/python bench/bench_website.py --quick
	$(BIN)/python bench/bench_score.py
	$(BIN)/python bench/bench_notice.py
	$(BIN)/python bench/bench_province.py --quick

clean:
	rm -rf $(VENV) .govinspect reports/20*
