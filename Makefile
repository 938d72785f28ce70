# govinspect — the two commands of the README, and a few for operators.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

export GOVINSPECT_HOME ?= $(CURDIR)/.govinspect
export GOVINSPECT_REPORTS_DIR ?= $(CURDIR)/reports

.PHONY: demo test airflow setup lint bench bench-quick clean

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
	$(BIN)/python -m pytest -p no:cacheprovider

## make airflow: Airflow standalone on http://localhost:8080 with the demo data
airflow: setup
	scripts/airflow-standalone.sh

lint: setup
	$(BIN)/ruff check include dags plugins tests bench

bench: setup
	$(BIN)/python bench/bench_score.py

bench-quick: setup
	$(BIN)/python bench/bench_score.py --quick

clean:
	rm -rf $(VENV) .govinspect reports/20*
