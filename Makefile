# storyhub: `make run` serves the demo on http://127.0.0.1:5000; `make test` runs everything.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SQLITE_TEST_URL := sqlite://
PG_TEST_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
REDIS_TEST_URL ?= redis://127.0.0.1:6379/15
PYTEST_WORKERS ?= 2
export STORYHUB_TEST_REDIS_URL := $(REDIS_TEST_URL)
export STORYHUB_TEST_PG_URL := $(PG_TEST_URL)
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run run-local check-port test test-sqlite test-postgres test-faults lint format install chromium nginx \
	check-postgres bench clean \
	translations translations-compile

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Reinstall only when a requirements file changed.
$(VENV)/.installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

# `make run PORT=5001` serves on another port. The port is checked first, before the install, so
# a port already taken is reported in a second, not after minutes of pip. E-mail goes to
# instance/mail/ and is listed at /dev/mail, sent by `flask outbox send --loop` running beside
# the server (PUBLIC_URL gives its links this server's address); Ctrl-C stops both.
PORT ?= 5000
run: check-port
	@$(MAKE) --no-print-directory install
	$(BIN)/flask --app wsgi db upgrade
	$(BIN)/flask --app wsgi demo load
	@echo
	@echo "  storyhub is starting on http://127.0.0.1:$(PORT)  (moderators log in at /login)"
	@echo "  Demo moderator: moderator@example.org  password: $$(cat instance/demo-moderator-password)"
	@echo "  E-mail it sends is listed at http://127.0.0.1:$(PORT)/dev/mail"
	@echo
	@PUBLIC_URL=http://127.0.0.1:$(PORT) $(BIN)/flask --app wsgi outbox send --loop --interval 3 & sender=$$!; \
	  trap 'kill $$sender 2>/dev/null' EXIT INT TERM; \
	  $(BIN)/flask --app wsgi run --host 127.0.0.1 --port $(PORT)

check-port:
	@$(PYTHON) -c 'import socket, sys; s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("127.0.0.1", int(sys.argv[1])))' '$(PORT)' 2>/dev/null \
	  || { echo "Port $(PORT) on 127.0.0.1 is already in use (or not a port number): stop what uses it, or choose another, e.g. make run PORT=5001"; exit 1; }

# Debian's Chromium drives the browser tests; Playwright never downloads a browser here.
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium for the browser tests"; \
	  $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium; }

# Debian's nginx for deploy/run-local and the tests that go through it (only the binary is used:
# run-local starts its own nginx with deploy/nginx.conf, as any user, on PORT).
nginx:
	@command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || { \
	  echo "Installing Debian's nginx for deploy/run-local"; \
	  $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq nginx; }

# The production-shaped stack: nginx on PORT (default 8080) → gunicorn → database (README
# "Deploy on one server"); DATABASE_URL, REDIS_URL, SECRET_KEY, PUBLIC_URL from the environment.
run-local: install nginx
	deploy/run-local

check-postgres:
	@$(BIN)/python -c "import psycopg; psycopg.connect('$(subst +psycopg,,$(PG_TEST_URL))', connect_timeout=5).close()" \
	  || { echo "PostgreSQL is not reachable at $(PG_TEST_URL): start it (see README) or set PG_TEST_URL."; exit 1; }

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

test-sqlite: install chromium nginx
	STORYHUB_TEST_DATABASE_URL=$(SQLITE_TEST_URL) $(BIN)/pytest -n $(PYTEST_WORKERS) -p no:cacheprovider -m "not fault"

test-postgres: install chromium nginx check-postgres
	STORYHUB_TEST_DATABASE_URL=$(PG_TEST_URL) $(BIN)/pytest -n $(PYTEST_WORKERS) -p no:cacheprovider -m "not fault"

# Benchmarks (README "Speed"): gunicorn with the production settings, wrk (Debian's), SQLite and
# PostgreSQL; each run appends its table to bench/RESULTS.md. `make bench STORIES=100000`.
STORIES ?= 1000
bench: install nginx check-postgres
	@command -v wrk >/dev/null 2>&1 || { \
	  echo "Installing Debian's wrk for the benchmarks"; \
	  $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq wrk; }
	$(BIN)/python bench/run.py --db sqlite --stories $(STORIES)
	$(BIN)/python bench/run.py --db postgresql --stories $(STORIES)

# Kill gunicorn workers and restart PostgreSQL: alone, after the suites that share the server.
test-faults: install nginx check-postgres
	STORYHUB_FAULT_TESTS=1 $(BIN)/pytest -p no:cacheprovider -m fault

test: lint test-sqlite test-postgres test-faults

# Interface translations (English, Italian, Spanish). The compiled .mo files are committed, so a
# fresh clone serves every language without a build step; tests/system/test_i18n.py fails when a .mo is
# older than its .po or a string is untranslated.
#   make translations          re-extract strings, merge them into it/es .po files (then translate)
#   make translations-compile  compile the .po files into the .mo files the app reads
translations: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location --sort-output \
	  --project storyhub --copyright-holder storyhub -o storyhub/translations/messages.pot .
	$(BIN)/pybabel update -i storyhub/translations/messages.pot -d storyhub/translations \
	  --width 100

translations-compile: install
	$(BIN)/pybabel compile -d storyhub/translations --statistics

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache test-artifacts
