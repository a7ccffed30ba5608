# Two commands do everything on a fresh clone: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test lint typecheck unit conformance fuzz bench lock clean messages

$(STAMP): requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@touch $(STAMP)

run: $(STAMP)
	$(BIN)/ta-manager serve

test: lint typecheck unit conformance

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/pytest

# The OpenAPI document held against the app's responses (schemathesis, ASGI app, real
# PostgreSQL), in its own pytest process: bounded here (~1 min), `make fuzz` for the long run.
CONFORMANCE := $(BIN)/pytest --noconftest -p no:cacheprovider tests/conformance/check_api.py

conformance: $(STAMP)
	$(CONFORMANCE)

fuzz: $(STAMP)
	TA_CONFORMANCE_FULL=1 $(CONFORMANCE)

bench: $(STAMP)
	$(BIN)/python -m bench.run_all

# Refresh the translation template and catalogues from the code and templates (Babel).
messages: $(STAMP)
	$(BIN)/pybabel extract -F ta_manager/locale/babel.cfg -k N_ --no-location --sort-output \
		--omit-header -o ta_manager/locale/messages.pot .
	$(BIN)/pybabel update -i ta_manager/locale/messages.pot -d ta_manager/locale \
		--no-fuzzy-matching --ignore-obsolete

# Re-pin after changing dependencies in pyproject.toml.
lock: $(STAMP)
	$(BIN)/python -m pip freeze --exclude-editable | grep -v '^ta-manager' > requirements.lock

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
