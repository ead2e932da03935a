# Two commands do everything: `make run` and `make test`. Each creates the virtual environment
# when it is missing or older than pyproject.toml, installs, then runs.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP_RUN := $(VENV)/.installed-run
STAMP_TEST := $(VENV)/.installed-test

.PHONY: run test lint bench bench-fieldbus bench-opcua bench-control bench-comm-loss \
	bench-sim-memory bench-historian bench-trends screenshot system-deps node-deps clean package-linux package-windows \
	package-check

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP_RUN): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(STAMP_TEST): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(STAMP_RUN)

# Qt's system libraries (X11, OpenGL, fonts): installed as root, else the apt-get line is shown.
run: $(STAMP_RUN)
	$(BIN)/python -m hmi.sysdeps --install
	$(BIN)/hmi $(ARGS)

# System packages the tests need (socat: virtual serial pairs for the Modbus RTU tests). We are
# root on a fresh machine; the lock timeout waits for another apt run on a shared machine.
# Node.js + npm: node-opcua, the independent OPC UA peer of the interoperability tests.
# poppler-utils: pdftoppm renders a roll report's first page to PNG (tests/quality).
# Only what is missing is asked for: a Node.js from NodeSource ships its own npm, and asking
# apt for the distribution npm beside it is refused as a conflict.
system-deps:
	@missing=""; \
	command -v socat >/dev/null 2>&1 || missing="$$missing socat"; \
	command -v pdftoppm >/dev/null 2>&1 || missing="$$missing poppler-utils"; \
	command -v npm >/dev/null 2>&1 || missing="$$missing nodejs npm"; \
	[ -z "$$missing" ] || { \
		apt-get -o DPkg::Lock::Timeout=300 update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -qq \
			$$missing; }

# node-opcua (pinned) into the test cache, ~/.cache/hmi-tests (or $$HMI_TEST_CACHE)
node-deps: $(STAMP_TEST) system-deps
	$(BIN)/python -c "from tests.hardware.node_opcua import install; print(install())"

# Two pytest-xdist workers (a 2-core machine); real-clock tests share one of them, see conftest.py.
PYTEST_WORKERS ?= 2

test: $(STAMP_TEST) system-deps node-deps
	$(BIN)/ruff check hmi tests benchmarks packaging
	$(BIN)/ruff format --check hmi tests benchmarks packaging
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

lint: $(STAMP_TEST)
	$(BIN)/ruff format hmi tests benchmarks packaging
	$(BIN)/ruff check --fix hmi tests benchmarks packaging

bench: $(STAMP_TEST) system-deps
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m benchmarks.run $(BENCH_ARGS)
	$(BIN)/python -m benchmarks.fieldbus $(FIELDBUS_ARGS)
	$(BIN)/python -m benchmarks.trend_lateness $(TRENDS_ARGS)

# tick lateness while operators work: Trends 8 pens live, browsing 8 h, login, CSV export,
# and the runtime in a child process (~6 min; medians of 3 runs)
bench-trends: $(STAMP_TEST)
	$(BIN)/python -m benchmarks.trend_lateness $(TRENDS_ARGS)

bench-fieldbus: $(STAMP_TEST) system-deps
	$(BIN)/python -m benchmarks.fieldbus $(FIELDBUS_ARGS)

# plant server: 5 clients subscribed to every tag at 10 Hz; tick lateness with/without; the OPC UA
# client profile's loop quality beside in-process (~4 min)
bench-opcua: $(STAMP_TEST) node-deps
	$(BIN)/python -m benchmarks.opcua $(OPCUA_ARGS)

bench-control: $(STAMP_TEST)
	$(BIN)/python -m benchmarks.control $(BENCH_ARGS)

# historian alone: 10 Hz ingest, 8 h / 30 d trend queries on synthetic history, MB per day (~2 min)
bench-historian: $(STAMP_TEST)
	$(BIN)/python -m benchmarks.historian $(BENCH_ARGS)

# recovery after a lost link with a bulk-density step (issue 9, item 2), ~40 s
bench-comm-loss: $(STAMP_TEST)
	$(BIN)/python -m benchmarks.comm_loss $(BENCH_ARGS)

# peak memory of `hmi sim run` by simulated length (issue 9, item 11); 24 h takes ~25 min
bench-sim-memory: $(STAMP_TEST)
	$(BIN)/python -m benchmarks.sim_memory $(BENCH_ARGS)

screenshot: $(STAMP_RUN)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m tests.ui.panel_screenshots --readme
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m tests.ui.trend_screenshots --readme
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m tests.ui.recipe_screenshots --readme
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m tests.ui.quality_screenshots --readme

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .ruff_cache bench-results

# ----- installers (slow; not part of make test). Build trees under $(HMI_BUILD_ROOT). -----
HMI_BUILD_ROOT ?= /tmp/hmi-build
export HMI_BUILD_ROOT
STAMP_PACKAGE := $(VENV)/.installed-package

$(STAMP_PACKAGE): pyproject.toml $(STAMP_RUN)
	$(BIN)/python -m pip install --quiet -e '.[package]'
	touch $@

package-linux: $(STAMP_PACKAGE)
	bash packaging/build-linux.sh

package-windows: $(STAMP_PACKAGE)
	bash packaging/build-windows.sh

package-check:
	bash packaging/check-linux.sh
