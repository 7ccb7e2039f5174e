# Two entry points for newcomers: `make demo` (set up, then run the nightly job on the bundled
# demo workspace, named explicitly: without a configuration kunci works on an empty workspace) and
# `make test` (set up, then lint, type-check, check the layer rules of pyproject.toml's
# [tool.importlinter] and test). Set-up is incremental: it reinstalls only when pyproject.toml or
# the lock changes.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.kunci-installed

.PHONY: setup demo test lint lock clean

# Kunci's own modules compiled once, as pip compiles an installed package's: where the
# environment forbids writing bytecode (PYTHONDONTWRITEBYTECODE), an editable install would
# otherwise compile every module from source on every command (up-to-date files are skipped).
setup: $(STAMP)
	$(BIN)/python -m compileall -q flows transforms

$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet -c requirements.lock -e ".[dev]"
	touch $(STAMP)

demo: setup
	$(BIN)/kunci run nightly --config data/demo/kunci.toml

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

test: lint
	$(BIN)/pytest -q

# Refresh the pinned versions after changing dependencies in pyproject.toml.
lock:
	$(PYTHON) -m venv /tmp/kunci-lock-venv
	/tmp/kunci-lock-venv/bin/pip install --quiet -e ".[dev]"
	/tmp/kunci-lock-venv/bin/pip freeze --exclude-editable --exclude kunci > requirements.lock
	rm -rf /tmp/kunci-lock-venv

clean:
	rm -rf $(VENV) .prefect .mypy_cache .ruff_cache .pytest_cache
