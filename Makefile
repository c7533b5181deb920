# cpas-workflow: `make run` serves the demo, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run serve test lint format bench install install-test install-bench clean

$(BIN)/python:
	$(PYTHON) -c 'import sys; sys.exit("Python 3.11 or newer is needed") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

$(VENV)/.installed-bench: pyproject.toml $(VENV)/.installed-test
	$(BIN)/pip install --quiet -e '.[test,bench]' || echo "SpiffWorkflow could not be installed: bench/firing.py skips its row"
	touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test
install-bench: $(VENV)/.installed-bench

run: install
	$(FLASK) cpas init-db
	$(FLASK) cpas demo
	@echo "Serving on http://$(HOST):$(PORT) (demo password: $${CPAS_DEMO_PASSWORD:-demo-password}); the scheduler runs beside it."
	@$(FLASK) cpas scheduler & sched=$$!; trap 'kill $$sched 2>/dev/null' EXIT INT TERM; \
		$(FLASK) run --host $(HOST) --port $(PORT) --no-reload

# Production serving: gunicorn (workers from the core count, gunicorn.conf.py) with the scheduler beside it.
# Serves CPAS_DATABASE_URL when set (migrated first), else the demo database; Ctrl-C stops both.
serve: install
	$(FLASK) cpas init-db
	@if [ -z "$${CPAS_DATABASE_URL}" ] && ! grep -qs '^CPAS_DATABASE_URL=.' .env; then $(FLASK) cpas demo; fi
	@echo "Serving on http://$(HOST):$(PORT) with gunicorn; the scheduler runs beside it. /healthz /readyz /metrics"
	@$(FLASK) cpas scheduler & sched=$$!; trap 'kill $$sched 2>/dev/null; wait $$sched' EXIT INT TERM; \
		$(BIN)/gunicorn --bind $(HOST):$(PORT)

# The suite runs on every core (pytest-xdist): each worker has its own SQLite file and PostgreSQL schema.
# `make test PYTEST_JOBS=0` runs it in one process; `PYTEST_ARGS` passes anything else to pytest.
PYTEST_JOBS ?= auto
test: install-test
	@sh scripts/ensure-chromium
	$(BIN)/python -m pytest -n $(PYTEST_JOBS) $(PYTEST_ARGS)

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-test
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Every bench/*.py on SQLite, then on PostgreSQL when reachable (CPAS_BENCH_DATABASE_URL, default the
# local server; each run in a schema of its own), then one table of every figure against its target.
BENCH_RESULTS := test-output/bench-results.jsonl
BENCH_SCRIPTS ?= $(filter-out bench/_%,$(wildcard bench/*.py))
bench: install-bench
	@mkdir -p test-output; rm -f $(BENCH_RESULTS); failed=""; \
	backends="sqlite"; \
	if $(BIN)/python bench/_table.py postgresql-reachable; then backends="sqlite postgresql"; \
	else echo "PostgreSQL is not reachable at $${CPAS_BENCH_DATABASE_URL:-the local server}: SQLite only"; fi; \
	for backend in $$backends; do for b in $(BENCH_SCRIPTS); do \
		echo "== $$b ($$backend)"; \
		CPAS_BENCH_BACKEND=$$backend CPAS_BENCH_RESULTS=$(BENCH_RESULTS) $(BIN)/python $$b || failed="$$failed $$b($$backend)"; \
	done; done; \
	echo; $(BIN)/python bench/_table.py summary $(BENCH_RESULTS); \
	if [ -n "$$failed" ]; then echo "failed:$$failed"; exit 1; fi

clean:
	rm -rf $(VENV) .pytest_cache test-output

# Web application (issue 3): re-extract the strings to translate and compile the catalogs.
.PHONY: translations
translations: install-test
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location --sort-output --project cpas-workflow -o translations/messages.pot .
	$(BIN)/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching
	$(BIN)/pybabel compile -d translations
