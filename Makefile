# The two commands: `make run` and `make test`. Both create or refresh .venv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: run test test-fast lint format venv clean bench worker flower

# The sources are byte-compiled here: an editable install does not, and where bytecode is not
# written (PYTHONDONTWRITEBYTECODE) every start would compile every module again.
$(STAMP): pyproject.toml setup.py $(wildcard src/analytics_maestro/layout/native/*) src/analytics_maestro/render/_numbers.c
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	$(BIN)/python -m compileall -q src
	@touch $@

# Browser libraries from the npm registry, copied into the static folder (not kept in git)
VENDOR := src/analytics_maestro/web/static/vendor/svg-pan-zoom.min.js
$(VENDOR): package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	mkdir -p $(dir $@)
	cp node_modules/svg-pan-zoom/dist/svg-pan-zoom.min.js $@

venv: $(STAMP) $(VENDOR)

run: $(STAMP) $(VENDOR)
	$(BIN)/analytics-maestro serve --demo

test: $(STAMP) $(VENDOR)
	$(BIN)/ruff check src tests bench
	$(BIN)/pytest

# Under a minute: the pure packages (layout, analytics, render, records and their validation), the
# command line and its composition, with a tenth of the property tests' examples; no store
# server, broker, browser or served process. `make test` runs everything.
FAST_TESTS := tests/test_layout.py tests/test_render.py tests/test_compiled.py tests/test_infra.py \
	tests/test_architectures.py tests/test_model.py tests/test_structs.py tests/test_validate.py \
	tests/test_generate.py tests/test_draw.py tests/test_shape.py tests/test_imports.py tests/test_config.py \
	tests/test_composition.py tests/test_entry.py tests/test_insights.py tests/test_changes.py tests/test_sources.py src/analytics_maestro
test-fast: $(STAMP)
	$(BIN)/ruff check src tests bench
	MAESTRO_TEST_FAST=1 $(BIN)/pytest -m "not (postgres or services or browser or slow)" -q $(FAST_TESTS)

worker: $(STAMP)
	$(BIN)/analytics-maestro worker --loglevel=INFO

flower: $(STAMP)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[flower]'
	$(BIN)/celery -A analytics_maestro flower

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

format: $(STAMP)
	$(BIN)/ruff check --fix src tests bench
	$(BIN)/ruff format src tests bench

clean:
	rm -rf $(VENV) var node_modules src/analytics_maestro/web/static/vendor build *.egg-info src/*.egg-info .pytest_cache .ruff_cache

bench: $(STAMP)
	$(BIN)/python bench/layout.py
	$(BIN)/python bench/insights.py
	$(BIN)/python bench/changes.py
	$(BIN)/python bench/sources.py
	$(BIN)/python bench/store.py
	$(BIN)/python bench/pipeline.py
	$(BIN)/python bench/api.py
	$(BIN)/python -m bench.streams
	$(BIN)/python -m bench.maestro
	$(BIN)/python -m bench.viewer
