# Two commands do everything on a fresh clone: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test lint typecheck unit conformance fuzz bench lock clean messages

# Runtime and development tools are locked apart, with hashes (requirements.lock: what the
# service runs on, all the Docker image installs; requirements-dev.lock: that plus the test,
# lint and type tools, at the same versions). A checkout installs both.
PIP_VERSION := 26.3
SETUPTOOLS_VERSION := 80.9.0
$(STAMP): requirements.lock requirements-dev.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@# The pip a new venv ships with (23.x on Python 3.11) refuses hashed locks that hold a
	@# requirement with extras (piccolo's pydantic[email]); a current pip installs them. The
	@# editable install builds without isolation: setuptools >= 70.1 (bdist_wheel built in).
	$(BIN)/python -m pip install --quiet --disable-pip-version-check "pip==$(PIP_VERSION)" \
		"setuptools==$(SETUPTOOLS_VERSION)"
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes \
		-r requirements.lock -r requirements-dev.lock
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

# Re-pin after changing dependencies in pyproject.toml (pinned versions stay unless
# UPGRADE=--upgrade): the runtime lock first, then the dev lock constrained to it.
lock: $(STAMP)
	$(BIN)/uv pip compile pyproject.toml --universal --generate-hashes --python-version 3.11 $(UPGRADE) \
		-o requirements.lock
	$(BIN)/uv pip compile pyproject.toml --universal --extra dev --generate-hashes --python-version 3.11 \
		$(UPGRADE) -c requirements.lock -o requirements-dev.lock

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
