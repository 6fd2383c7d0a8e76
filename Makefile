# Portal — two commands: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
# PostgreSQL for tests when DATABASE_URL is set or the local server answers; SQLite otherwise.
LOCAL_PG := postgres://postgres@127.0.0.1:5432/portal_test

.PHONY: run test lint check messages compilemessages bench bench-peers bench-load bench-faults bench-services bench-insights bench-segments bench-search worker scheduler clean system-deps

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $@ $(VENV)/.runtime

## run: set everything up and serve the portal with demo content on http://$(HOST):$(PORT)
run: $(VENV)/.runtime
	@mkdir -p var
	$(MANAGE) migrate --noinput -v 0
	export PORTAL_BASE_URL=$${PORTAL_BASE_URL:-http://127.0.0.1:$(PORT)}; \
	$(MANAGE) seed_demo --port $(PORT) && $(MANAGE) runserver $(HOST):$(PORT)

## scheduler: run every periodic command on its schedule (one per installation; a second one stops)
scheduler: $(VENV)/.runtime
	$(MANAGE) run_scheduler

## worker: process background tasks: RQ in Redis (PORTAL_TASK_BACKEND=rq) or the database queue
worker: $(VENV)/.runtime
	@if [ "$$PORTAL_TASK_BACKEND" = rq ]; then $(MANAGE) rqworker default --with-scheduler; else $(MANAGE) db_worker; fi

## system-deps: Debian packages the checks need (Chromium for browser tests, gettext, pg_dump for backups)
system-deps:
	@missing=""; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v msgfmt >/dev/null || missing="$$missing gettext"; \
	command -v pg_dump >/dev/null || missing="$$missing postgresql-client"; \
	if [ -n "$$missing" ]; then \
	  echo "Installing:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

check: $(VENV)/.dev
	$(MANAGE) check --fail-level WARNING
	DJANGO_SETTINGS_MODULE=portal.settings.production \
	  DJANGO_SECRET_KEY=check-deploy-$$(head -c 48 /dev/urandom | base64 | tr -dc a-zA-Z0-9) \
	  DJANGO_ALLOWED_HOSTS=portal.example.com REDIS_URL=redis://127.0.0.1:6379/0 \
	  $(BIN)/python manage.py check --deploy --fail-level WARNING
	$(MANAGE) makemigrations --check --dry-run

## test: everything CI runs — lint, checks, migrations, the whole pytest suite with browser tests
test: system-deps lint check
	@if [ -z "$$DATABASE_URL" ] && pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then \
	  export DATABASE_URL=$(LOCAL_PG); echo "Tests on PostgreSQL (127.0.0.1:5432)"; \
	elif [ -n "$$DATABASE_URL" ]; then echo "Tests on DATABASE_URL"; else echo "Tests on SQLite"; fi; \
	$(BIN)/pytest

## messages: extract UI strings into the four catalogues and compile them
messages: $(VENV)/.dev
	$(MANAGE) makemessages -l en -l sr_Latn -l sr -l sl --no-obsolete --ignore=.venv --ignore=var --ignore=tests --ignore=bench
	$(MANAGE) compilemessages --ignore=.venv --ignore=var

compilemessages: $(VENV)/.runtime
	$(MANAGE) compilemessages --ignore=.venv --ignore=var

## bench: load benchmark under gunicorn with wrk (run by hand)
bench: $(VENV)/.dev
	@command -v wrk >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null)
	$(BIN)/python -m bench.run

## bench-peers: the peers' pages (a plain Wagtail 8 site so far) under the same load (run by hand)
bench-peers: $(VENV)/.dev
	@command -v wrk >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null)
	$(BIN)/python -m bench.peers.run

## bench-load: mixed traffic from 50 people for 5 minutes against gunicorn, RQ workers and the scheduler (by hand)
bench-load: $(VENV)/.dev $(VENV)/.bench
	@$(MAKE) --no-print-directory bench-services
	$(BIN)/python -m bench.load

## bench-faults: the same while a web worker, a task worker, Redis and PostgreSQL fail in turn (by hand)
bench-faults: $(VENV)/.dev $(VENV)/.bench
	@$(MAKE) --no-print-directory bench-services
	$(BIN)/python -m bench.load --faults

$(VENV)/.bench: requirements-bench.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements-bench.txt
	touch $@

# The load scenario starts its own PostgreSQL cluster and Redis servers from Debian's binaries.
bench-services:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && command -v redis-server >/dev/null || \
	(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql redis-server >/dev/null)

## bench-insights: the Insights pages over 1,000,000 requests on PostgreSQL (run by hand)
bench-insights: $(VENV)/.dev
	$(BIN)/python -m bench.insights

## bench-segments: RFM scoring of 1,000,000 members with 5,000,000 orders on PostgreSQL (run by hand)
bench-segments: $(VENV)/.dev
	$(BIN)/python -m bench.segments

## bench-search: search and suggest latency over 250,000 documents (run by hand)
bench-search: $(VENV)/.dev
	$(BIN)/python -m bench.search

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
