# Two commands do everything: `make run` and `make test`. Each creates the virtual environment
# when it is missing or older than pyproject.toml, installs, then runs.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP_RUN := $(VENV)/.installed-run
STAMP_TEST := $(VENV)/.installed-test

.PHONY: run test lint bench bench-control bench-comm-loss bench-sim-memory screenshot clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP_RUN): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(STAMP_TEST): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(STAMP_RUN)

run: $(STAMP_RUN)
	$(BIN)/hmi $(ARGS)

test: $(STAMP_TEST)
	$(BIN)/ruff check hmi tests benchmarks
	$(BIN)/ruff format --check hmi tests benchmarks
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q $(PYTEST_ARGS)

lint: $(STAMP_TEST)
	$(BIN)/ruff format hmi tests benchmarks
	$(BIN)/ruff check --fix hmi tests benchmarks

bench: $(STAMP_TEST)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m benchmarks.run $(BENCH_ARGS)

bench-control: $(STAMP_TEST)
	$(BIN)/python -m benchmarks.control $(BENCH_ARGS)

# recovery after a lost link with a bulk-density step (issue 9, item 2), ~40 s
bench-comm-loss: $(STAMP_TEST)
	$(BIN)/python -m benchmarks.comm_loss $(BENCH_ARGS)

# peak memory of `hmi sim run` by simulated length (issue 9, item 11); 24 h takes ~25 min
bench-sim-memory: $(STAMP_TEST)
	$(BIN)/python -m benchmarks.sim_memory $(BENCH_ARGS)

screenshot: $(STAMP_RUN)
	QT_QPA_PLATFORM=offscreen $(BIN)/hmi --data-dir $(or $(DATA_DIR),/tmp/hmi-screenshot) \
		--self-test --screenshot docs/screenshot-overview.png
	QT_QPA_PLATFORM=offscreen $(BIN)/hmi --data-dir $(or $(DATA_DIR),/tmp/hmi-screenshot) \
		--self-test --screen Trends --self-test-seconds 20 --screenshot docs/screenshot-trends.png

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .ruff_cache bench-results
