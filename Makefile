# Caseway: `make demo` and `make test` are the two commands a new machine needs (see README).
SHELL := /bin/sh
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_WORKERS ?= 2
POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/caseway

.PHONY: demo test lint check-deploy test-sqlite test-postgres messages bench clean venv venv-dev

# The virtual environment is rebuilt when the lock files change or its Python is too old.
$(VENV)/.runtime: requirements.lock
	@if ! $(PY) -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then \
		python=$$(bin/find-python) || exit 1; \
		echo "Creating $(VENV) with $$python"; \
		rm -rf $(VENV); $$python -m venv $(VENV) || exit 1; \
	fi
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	@touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.lock
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock -r requirements-dev.lock
	@touch $@

venv: $(VENV)/.runtime
venv-dev: $(VENV)/.dev

demo: venv
	CASEWAY_MODE=demo $(PY) manage.py migrate --noinput
	CASEWAY_MODE=demo $(PY) manage.py collectstatic --noinput --verbosity 0
	CASEWAY_MODE=demo $(PY) manage.py seed_demo
	@echo "Serving on http://$(HOST):$(PORT)/ (Ctrl-C stops the server and the task worker)"
	@CASEWAY_MODE=demo $(PY) manage.py db_worker --verbosity 0 & worker=$$!; \
		trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
		CASEWAY_MODE=demo $(PY) manage.py runserver --noreload $(HOST):$(PORT)

lint: venv-dev
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	CASEWAY_MODE=test $(PY) manage.py makemigrations --check --dry-run
	CASEWAY_MODE=test $(PY) manage.py check --fail-level WARNING

check-deploy: venv-dev
	bin/check-deploy $(PY)

test-sqlite: venv-dev
	@echo "=== Test suite on SQLite ==="
	$(PY) -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

test-postgres: venv-dev
	@bin/test-postgres $(PY) "$(POSTGRES_URL)" -n $(PYTEST_WORKERS) --second-database $(PYTEST_ARGS)

test: lint check-deploy test-sqlite test-postgres

messages: venv-dev
	cd caseway && ../$(PY) ../manage.py makemessages --all --no-obsolete --no-location --ignore 'tests/*'
	cd caseway && ../$(PY) ../manage.py compilemessages

bench: venv-dev
	$(PY) bench/run.py

clean:
	rm -rf $(VENV) var/static
