# Fazhi — the two commands a newcomer needs: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# The test suite runs on real PostgreSQL and Redis; override these to point elsewhere.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/fazhi
TEST_REDIS_URL ?= redis://127.0.0.1:6379/1

.PHONY: run test install install-dev messages lint check migrate demo bench drill clean schemathesis

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

# Compiled catalogues are generated, never committed; babel compiles them without GNU gettext.
messages: | $(BIN)/python
	$(BIN)/pybabel compile -d locale -D django
	$(BIN)/pybabel compile -d locale -D djangojs

migrate: install messages
	mkdir -p var
	$(BIN)/python manage.py migrate --noinput

demo: migrate
	$(BIN)/python manage.py demo

# Starts web, Celery worker and Celery beat (Procfile) after migrating and loading the demo.
run: demo
	$(BIN)/python manage.py collectstatic --noinput -v0
	@echo
	@echo "Fazhi is starting: log in at http://127.0.0.1:8000/accounts/login/  (Ctrl-C stops everything)"
	$(BIN)/honcho start -f Procfile

test: install-dev messages
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} REDIS_URL=$${REDIS_URL:-$(TEST_REDIS_URL)} \
		$(BIN)/pytest $(PYTEST_ARGS)

# Benchmarks (never part of the tests): ratios to references measured in the same run; each
# section uses its own scratch database on DATABASE_URL's server. BENCH_ARGS=--quick for small sizes.
bench: install-dev
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} REDIS_URL=$${REDIS_URL:-$(TEST_REDIS_URL)} \
		$(BIN)/python -m bench.run $(BENCH_ARGS)

# Fault drills (never part of the tests): gunicorn, a prefork worker and beat as real processes
# on the production settings while Redis stops, the worker is SIGKILLed, two beats run and
# database backends are terminated; reminders and e-mails lost or doubled and half-done
# transitions are counted. A scratch database <database>_drill on DATABASE_URL's server (dropped
# afterwards) and the drill's own redis-server; DRILL_ARGS="--only baseline,redis" for some.
drill: install-dev messages
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} $(BIN)/python -m bench.drill $(DRILL_ARGS)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

check: install-dev messages
	DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/python manage.py makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/python manage.py check

# Fuzz the live schema of a running server (`make run` elsewhere) as each person in
# SCHEMATHESIS_USERS — a drafter and an administrator by default (the demo's accounts), as
# tests/api/test_schemathesis.py does in-process: the same checks, the same phases (no coverage
# phase), the same stateful run. Tokens come from `manage.py api_token`, so run it with the
# server's DATABASE_URL; or pass them yourself as SCHEMATHESIS_TOKENS="user=token user=token".
API_URL ?= http://127.0.0.1:8000
SCHEMATHESIS_USERS ?= drafter admin
SCHEMATHESIS_TOKENS ?=
schemathesis: install-dev
	@failed=0; \
	for user in $(SCHEMATHESIS_USERS); do \
		token=""; \
		for pair in $(SCHEMATHESIS_TOKENS); do \
			if [ "$${pair%%=*}" = "$$user" ]; then token="$${pair#*=}"; fi; \
		done; \
		if [ -z "$$token" ]; then \
			token=$$($(BIN)/python manage.py api_token "$$user") || { echo "No API token for $$user"; exit 2; }; \
		fi; \
		echo "== schemathesis as $$user"; \
		$(BIN)/schemathesis run $(API_URL)/api/schema/ --url $(API_URL) \
			--header "Authorization: Token $$token" \
			--checks not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance \
			--phases examples,fuzzing,stateful \
			--max-examples 50 || failed=1; \
	done; \
	exit $$failed

clean:
	rm -rf $(VENV) var staticfiles
