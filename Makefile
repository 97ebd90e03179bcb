# Voix solidaires — everything a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 5000
export FLASK_APP := app

.PHONY: install lock run serve test test-load fuzz audit bench lint format translations extract-messages clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)

# Exactly the versions in requirements.lock, each file checked against its hash; then the
# project itself, without letting pip pick any other version.
$(VENV)/.installed: requirements.lock pyproject.toml | $(BIN)/activate
	$(BIN)/pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

install: $(VENV)/.installed translations

# Refresh requirements.lock (runtime and dev extras, with hashes) from pyproject.toml's
# ranges, with pip-tools in a venv of its own. Current pins are kept unless
# LOCK_ARGS=--upgrade (or --upgrade-package NAME); commit the lock with the change.
# Extras stay in the lock (--no-strip-extras): pip's hash-checking mode treats a dependency
# asked for with an extra (pip-audit's cachecontrol[filecache]) as unpinned unless the lock
# names that extra, and then takes the newest release from the index.
LOCK_VENV := .venv-lock
lock:
	test -x $(LOCK_VENV)/bin/pip-compile || \
		{ $(PYTHON) -m venv $(LOCK_VENV) && $(LOCK_VENV)/bin/pip install --quiet 'pip-tools>=7.4,<8'; }
	CUSTOM_COMPILE_COMMAND="make lock" $(LOCK_VENV)/bin/pip-compile --quiet --generate-hashes \
		--extra dev --no-strip-extras --allow-unsafe --no-emit-index-url --no-emit-find-links \
		$(LOCK_ARGS) -o requirements.lock pyproject.toml

# Compiled catalogues are build output (.mo files are not committed).
translations: $(VENV)/.installed
	$(BIN)/pybabel compile --use-fuzzy -d app/translations -D messages >/dev/null

extract-messages: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg --ignore-dirs ".*" -k _l -k lazy_gettext -o app/translations/messages.pot .
	$(BIN)/pybabel update -i app/translations/messages.pot -d app/translations --no-fuzzy-matching

# E-mails leave right after the response that queued them; the worker alongside sends the
# rest (retries, digests) and stops with the server. Links in e-mails use this PORT.
run: install
	$(BIN)/flask db upgrade
	$(BIN)/flask demo load
	@echo "Voix solidaires : http://127.0.0.1:$(PORT)"
	@PORT=$(PORT) $(BIN)/flask notifications worker --interval 5 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
	PORT=$(PORT) $(BIN)/flask run --host 127.0.0.1 --port $(PORT)

# Production: `flask db upgrade`, then gunicorn (gunicorn.conf.py) with VOIX_CONFIG=production;
# SECRET_KEY and DATABASE_URL must be set. See docs/deployment.md.
serve: install
	bin/serve

# The whole suite: bin/test runs the browser tests beside the rest (two pytest processes,
# each its own database). With PYTEST_ARGS (a file, -k …), one pytest runs just that.
test: install
ifeq ($(strip $(PYTEST_ARGS)),)
	BIN=$(BIN) bin/test
else
	$(BIN)/pytest $(PYTEST_ARGS)
endif

# The bad-input tests with many random inputs (the "fuzz" Hypothesis profile,
# tests/conftest.py); `make test` and CI draw the same few every run. A failing input is
# saved in tests/.hypothesis-examples: commit it with the fix, and every run replays it.
# FUZZ_EXAMPLES sets the inputs per form or page.
FUZZ_EXAMPLES ?= 200
fuzz: install
	HYPOTHESIS_PROFILE=fuzz HYPOTHESIS_EXAMPLES=$(FUZZ_EXAMPLES) $(BIN)/pytest tests/test_bad_input.py $(PYTEST_ARGS)

# Known vulnerabilities in the dependencies (pip-audit, read by bin/audit.py): fails on one
# found; packages its service could not look up are reported "not checked", not passed.
audit: install
	$(BIN)/python bin/audit.py $(AUDIT_ARGS)

# gunicorn (4 workers) under ~2,000 concurrent posts, then kill -9: on SQLite and, with
# TEST_DATABASE_URL (required in CI), on PostgreSQL. Prints the figures. Also two gunicorn
# servers sharing PostgreSQL and Redis (tests/load/test_two_servers.py).
test-load: install
	$(BIN)/pytest -m load -s -p no:cacheprovider tests/load $(PYTEST_ARGS)

# Benchmark (bench/run.py): data sets of BENCH_SCALES (1,10; 1,10,100 for the full run),
# gunicorn beside a bare Flask app (the ceiling), wrk; writes bench/results/. SQLite by
# default; DATABASE_URL=postgresql+psycopg://… benches PostgreSQL. BENCH_DURATION,
# BENCH_CONNECTIONS, BENCH_WORKERS, BENCH_SOAK, BENCH_PROFILE change the run (README).
bench: install
	@command -v wrk >/dev/null || { command -v apt-get >/dev/null && \
		{ apt-get install -y -q wrk || { apt-get update -q && apt-get install -y -q wrk; }; }; } || \
		{ echo "make bench needs wrk: install the Debian package 'wrk' (apt-get install wrk)"; exit 1; }
	@command -v wrk >/dev/null || { echo "make bench needs wrk (apt-get install wrk)"; exit 1; }
	$(BIN)/python -m bench.run

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/bandit -c pyproject.toml -r app -q

format: $(VENV)/.installed
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) $(LOCK_VENV) .pytest_cache
