# The two commands of the README: `make run` and `make test`.
VENV := .venv/bin
export PREFECT_HOME ?= $(CURDIR)/outputs/.prefect
export PREFECT_SERVER_ANALYTICS_ENABLED ?= false
export DO_NOT_TRACK ?= 1

.PHONY: setup run serve test test-fast lint samples bench clean

setup:
	bash scripts/setup.sh

run: setup
	$(VENV)/congvan ingest samples/docs --db sqlite:///outputs/congvan.sqlite --jsonl outputs/records.jsonl

serve: setup
	$(VENV)/congvan serve --db sqlite:///outputs/congvan.sqlite

test: setup
	bash scripts/lint.sh
	bash scripts/test.sh

lint: setup
	bash scripts/lint.sh

test-fast: setup
	$(VENV)/python -m pytest -m "not slow" -q

samples: setup
	$(VENV)/python samples/make_samples.py

clean:
	rm -rf outputs/*.sqlite outputs/*.jsonl outputs/*.json outputs/exports outputs/.prefect
