# Accord: `make demo` runs it with demo data; `make test` runs every check. Both are safe to repeat.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: install dev-install pdf-libs demo test pytest lint typecheck docs-check browsers messages serve audit constraints clean

# `make install`: what runs in production, at the pinned versions (constraints.txt); pip and setuptools
# upgraded to their pins first (a new venv brings an old setuptools with known advisories).
$(BIN)/accord-installed: pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade -c constraints.txt pip setuptools
	$(BIN)/python -m pip install --quiet -c constraints.txt -e .
	# Compile the engine's kernels now (Numba caches them) rather than in the first simulation.
	$(BIN)/python -c "from accord.quant import kernels; kernels.warm_up()"
	touch $@

# The test, lint and type-check tools (the `dev` extras), for `make test` and its parts only.
$(BIN)/accord-dev-installed: $(BIN)/accord-installed
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: pdf-libs $(BIN)/accord-installed node_modules/.installed messages

# The translations: each accord/locale/*/LC_MESSAGES/django.po compiled into the .mo Django reads (not
# committed; decision 0034), with GNU gettext's msgfmt, from Debian's gettext when missing (root only).
messages: $(BIN)/accord-installed
	@if ! command -v msgfmt >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing gettext for the translations"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gettext >/dev/null; \
	  else echo "msgfmt (GNU gettext) is missing and this is not root: install gettext"; exit 1; fi; \
	fi
	$(BIN)/python -m accord.core.catalogues

dev-install: install $(BIN)/accord-dev-installed

demo: install
	ACCORD_DEBUG=$${ACCORD_DEBUG:-1} ACCORD_HTTPS=$${ACCORD_HTTPS:-0} $(BIN)/accord demo

serve: install
	$(BIN)/accord serve

# The system libraries WeasyPrint (PDF reports) loads at run time, and a font with the report's signs
# (✓ ✗ ±), from Debian's packages: installed when missing and root, else `make install` stops and names them.
PDF_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core
PDF_LIBRARIES := libpango-1.0.so.0 libpangoft2-1.0.so.0 libharfbuzz-subset.so.0
PDF_FONT := /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf
pdf-libs:
	@if command -v ldconfig >/dev/null 2>&1 || [ -x /sbin/ldconfig ]; then \
	  missing=""; libs="$$(PATH="$$PATH:/sbin" ldconfig -p)"; \
	  for lib in $(PDF_LIBRARIES); do echo "$$libs" | grep -q "$$lib" || missing="$$missing $$lib"; done; \
	  [ -e $(PDF_FONT) ] || missing="$$missing $(PDF_FONT)"; \
	  if [ -n "$$missing" ]; then \
	    if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	      echo "Installing the libraries of the PDF reports:$$missing"; \
	      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(PDF_PACKAGES) >/dev/null \
	        || { echo "the PDF report libraries could not be installed: apt-get install $(PDF_PACKAGES)"; exit 1; }; \
	    else echo "PDF reports need$$missing: as root, apt-get install $(PDF_PACKAGES) (Debian), then make install again"; exit 1; fi; \
	  fi; \
	else echo "no ldconfig: cannot check for Pango; PDF reports need Pango 1.44 or later and HarfBuzz (see docs/dependencies.md)"; fi

# Chromium for the browser tests comes from Debian's packages (root only); without it they skip.
browsers:
	@if ! command -v chromium >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing chromium for the browser tests"; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null) \
	      || echo "chromium could not be installed: browser tests will skip"; \
	  else echo "chromium is missing and this is not root: browser tests will skip"; fi; \
	fi

lint: dev-install
	$(BIN)/ruff check .
	$(BIN)/lint-imports --no-cache

typecheck: dev-install
	ACCORD_DEBUG=1 $(BIN)/mypy accord

docs-check: dev-install
	ACCORD_DEBUG=1 $(BIN)/accord makemigrations --check --dry-run

pytest: dev-install
	$(BIN)/python -m pytest -n auto $(PYTEST_ARGS)

test: install browsers lint typecheck docs-check pytest

# Known vulnerabilities in the pinned set and the installed packages (pip-audit, in a throwaway venv).
audit: dev-install
	bash .ci/audit

# Re-pin: resolve the dependencies of pyproject.toml afresh in a throwaway venv and write constraints.txt.
constraints:
	rm -rf var/constraints-venv && $(PYTHON) -m venv var/constraints-venv
	var/constraints-venv/bin/python -m pip install --quiet --upgrade pip setuptools
	var/constraints-venv/bin/python -m pip install --quiet '.[dev]'
	{ sed -n '1,2p' constraints.txt; var/constraints-venv/bin/python -m pip freeze --all --exclude-editable \
	  | grep -v -E '^accord( |=|@)'; } > constraints.txt.new && mv constraints.txt.new constraints.txt
	rm -rf var/constraints-venv

clean:
	rm -rf $(VENV) node_modules var/static .mypy_cache .ruff_cache .pytest_cache
