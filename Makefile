# Accord: `make demo` runs it with demo data; `make test` runs every check. Both are safe to repeat.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: install demo test pytest lint typecheck docs-check browsers serve clean

$(BIN)/accord-installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	# Compile the engine's kernels now (Numba caches them) rather than in the first simulation.
	$(BIN)/python -c "from accord.quant import kernels; kernels.warm_up()"
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: $(BIN)/accord-installed node_modules/.installed

demo: install
	ACCORD_DEBUG=$${ACCORD_DEBUG:-1} ACCORD_HTTPS=$${ACCORD_HTTPS:-0} $(BIN)/accord demo

serve: install
	$(BIN)/accord serve

# Chromium for the browser tests comes from Debian's packages (root only); without it they skip.
browsers:
	@if ! command -v chromium >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing chromium for the browser tests"; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null) \
	      || echo "chromium could not be installed: browser tests will skip"; \
	  else echo "chromium is missing and this is not root: browser tests will skip"; fi; \
	fi

lint: install
	$(BIN)/ruff check .
	$(BIN)/lint-imports --no-cache

typecheck: install
	ACCORD_DEBUG=1 $(BIN)/mypy accord

docs-check: install
	ACCORD_DEBUG=1 $(BIN)/accord makemigrations --check --dry-run

pytest: install
	$(BIN)/python -m pytest -n auto $(PYTEST_ARGS)

test: install browsers lint typecheck docs-check pytest

clean:
	rm -rf $(VENV) node_modules var/static .mypy_cache .ruff_cache .pytest_cache
