# OneWindow: the two commands are `make run` and `make test` (see README.md).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin
PY := $(BIN)/python

.PHONY: help install run test lint format check messages clean bench bench-sla bench-print bench-faq bench-booking
.PHONY: bench-disclosure bench-stats bench-batch bench-pages bench-admin

help:
	@echo "make run    install, migrate, load demo data, start web, the Celery workers and beat"
	@echo "make test   run the test suite (SQLite and the embedded broker unless DATABASE_URL etc. are set)"
	@echo "make lint   ruff check, format check and the import contracts (lint-imports)"
	@echo "make messages   update and compile the translations"

$(BIN)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

install: $(BIN)/.installed

run: install
	@$(PY) manage.py migrate --noinput --verbosity 0
	@$(PY) manage.py seed_demo --verbosity 0
	@$(PY) scripts/run_dev.py

test: install
	$(BIN)/pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

check: install
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run

messages: install
	$(PY) manage.py makemessages --locale zh_Hans --ignore '.venv/*' --ignore 'var/*' --no-obsolete
	$(PY) manage.py compilemessages --ignore '.venv/*'

clean:
	rm -rf $(VENV) var/staticfiles .pytest_cache

# Every benchmark, one table of their figures (scripts/bench_all.py; pick some with BENCH="pages print=200 sla_sweep=10000,100000,100").
bench: install
	$(PY) scripts/bench_all.py $(BENCH)

bench-batch: install
	$(PY) scripts/bench_batch_approve.py 1000

# The public pages under gunicorn beside a hello-world view, on PostgreSQL with the demo and Redis
# (DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_pages CACHE_URL=rediscache://127.0.0.1:6379/1).
bench-pages: install
	$(PY) scripts/bench_pages.py

bench-sla: install
	$(PY) scripts/bench_sla_sweep.py 100000 1000000 1000

bench-print: install
	$(PY) scripts/bench_print.py 200 1000 5000

# The FAQ search with 10,000 published entries; the issue's figure is on PostgreSQL (set DATABASE_URL).
bench-faq: install
	$(PY) scripts/bench_faq_search.py 10000

# 400 people booking slots of 10 places from 20 threads at once, beside a plain INSERT per booking;
# the issue's figure is on PostgreSQL (DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_booking).
bench-booking: install
	$(PY) scripts/bench_booking.py 400 20

# The public disclosure's searches and pages with 1,000,000 decisions; the issue's figure is on PostgreSQL
# (DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_disclosure).
bench-disclosure: install
	$(PY) scripts/bench_disclosure.py 1000000

# --- statistics (oversight/stats) ---
# 1,000,000 applications in a scratch PostgreSQL database: the full rebuild of the snapshot and the
# /stats/ page timed, with the database size (DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_stats).
bench-stats: install
	$(PY) scripts/bench_stats.py 1000000

# --- admin lists ---
# The admin lists' first page (the clerk's, a reviewer's, a supervisor's) at 1,000 and at 1,000,000
# applications side by side, with their query counts and the index each page reads; on PostgreSQL
# (DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_admin).
bench-admin: install
	$(PY) scripts/bench_admin.py 1000 1000000
