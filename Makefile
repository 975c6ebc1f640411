# One-word tasks. The README names two of them: `make run` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run serve test setup lint typecheck demo reference bench messages clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

setup: $(STAMP)
	bash scripts/ensure-pdf-libraries
	bash scripts/ensure-postgres-rum
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py import_reference_data

## Set everything up from a fresh clone and serve the portal with demo data.
run: setup
	$(BIN)/python manage.py generate_demo_data --if-empty
	$(BIN)/python manage.py generate_demo_postings --if-empty
	$(BIN)/python manage.py generate_demo_experts --if-empty
	$(BIN)/python manage.py generate_demo_networks --if-empty
	$(BIN)/python manage.py generate_demo_about --if-empty
	$(BIN)/python manage.py generate_demo_funding --if-empty
	$(BIN)/python manage.py generate_demo_events --if-empty
	$(BIN)/python manage.py generate_demo_news --if-empty
	$(BIN)/python manage.py generate_demo_newsletter --if-empty
	$(BIN)/python manage.py rebuild_search_index
	$(BIN)/python manage.py compute_posting_matches --missing
	$(BIN)/python manage.py runserver 127.0.0.1:8000

## Production on this machine: gunicorn, the task worker and the scheduled jobs
## (environment: docs/operations/production.md; refuses DEBUG, SQLite, no SECRET_KEY).
serve: $(STAMP)
	bash scripts/serve

## Set up and run the whole test suite (browser tests included).
test: $(STAMP)
	bash scripts/ensure-chromium
	bash scripts/ensure-pdf-libraries
	bash scripts/ensure-postgres-rum
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check . && $(BIN)/ruff format --check . && $(BIN)/mypy .

demo: setup
	$(BIN)/python manage.py generate_demo_data
	$(BIN)/python manage.py rebuild_search_index

reference: $(STAMP)
	$(BIN)/python manage.py import_reference_data

bench: setup
	$(BIN)/python bench/generator.py
	$(BIN)/python bench/import_rows.py

messages: $(STAMP)
	$(BIN)/python manage.py makemessages -l de --ignore=.venv --ignore=bench && $(BIN)/python manage.py compilemessages -l de --ignore=.venv

clean:
	rm -rf $(VENV) var
