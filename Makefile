# Quick start: `make run` (the portal with demo data on http://127.0.0.1:8000) and `make test`.
# Needs only Python 3.11 and make. Everything else is installed into .venv.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint clean messages bench bench-surge fuzz

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Reinstall only when a requirements file changes.
$(VENV)/.installed-run: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.installed-run

run: $(VENV)/.installed-run
	$(BIN)/python manage.py migrate --noinput
	DLEP_DEVDATA=1 $(BIN)/python manage.py seed_demo --if-empty
	@echo ""
	@echo "D-LEP: http://$(HOST):$(PORT)/  (Ctrl-C stops the web server and the worker)"
	@trap 'kill 0' INT TERM EXIT; \
	$(BIN)/celery -A dlep worker --beat --schedule=var/celerybeat-schedule --loglevel=INFO --concurrency=2 & \
	MALLOC_ARENA_MAX=2 $(BIN)/gunicorn dlep.asgi:application --worker-class uvicorn_worker.UvicornWorker \
	  --bind $(HOST):$(PORT) --workers 2 --timeout 60 --access-logfile - \
	  --logger-class core.gunicorn_logging.MaskingLogger ; \
	wait

test: $(VENV)/.installed-dev
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# schemathesis over the API's OpenAPI schema against the portal under gunicorn, on PostgreSQL
# (FUZZ_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/dlep_fuzz, dropped and seeded
# with the demo world), as a teacher and as a province admin; fails on any 5xx. About 4 minutes;
# not part of `make test`. E.g. make fuzz FUZZ_ARGS="--seconds 120".
fuzz: $(VENV)/.installed-dev
	$(BIN)/python -m tests.fuzz $(FUZZ_ARGS)

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/python manage.py makemigrations --check --dry-run

clean:
	rm -rf $(VENV) var .pytest_cache

# Regenerate the English catalogue after changing Thai strings (needs GNU gettext).
messages: $(VENV)/.installed-dev
	$(BIN)/python manage.py makemessages -l en --no-location --ignore=.venv --ignore=var --ignore=tests
	$(BIN)/python manage.py compilemessages -l en --ignore=.venv

# The benchmark (README "Scale and benchmark"): a synthetic country in PostgreSQL
# (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/dlep_scale), the portal under
# gunicorn, wrk from Debian. E.g. make bench BENCH_ARGS="--factor 1.0".
bench: $(VENV)/.installed-run
	$(BIN)/python -m bench $(BENCH_ARGS)

# Deadline day (README "Deadline day: make bench-surge"): the portal as `make run` starts it and
# with the production settings (PostgreSQL, Redis, SeaweedFS, the Docker image's server command),
# each under 50 slow uploads and 10 slow downloads while its key pages are probed. Several minutes.
bench-surge: $(VENV)/.installed-dev
	$(BIN)/python -m bench.surge $(SURGE_ARGS)
