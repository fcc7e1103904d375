# ieisim: the two commands a newcomer needs are `make demo` and `make test`.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
DEMO_EXPERIMENT ?= demo

# Find a Python >= 3.12 (Mesa 3.4+ needs it): $PYTHON, python3.13, python3.12, pyenv's, then python3.
PYTHON ?= $(shell for c in python3.13 python3.12 $$(ls -d $$HOME/.pyenv/versions/3.1[2-9]*/bin/python 2>/dev/null | sort -r) python3; do \
	if command -v $$c >/dev/null 2>&1 && $$c -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null; then command -v $$c; break; fi; done)

.PHONY: demo test test-fast lint venv install bench baseline clean help

help:
	@echo "make demo   - set up .venv, run the demo study, say where the results are"
	@echo "make test   - set up .venv, run ruff and the whole test suite"
	@echo "make bench  - run the benchmarks in benchmarks/"

$(PY):
	@if [ -z "$(PYTHON)" ]; then echo "error: ieisim needs Python >= 3.12 (Mesa 3.4+); install one (e.g. 'pyenv install 3.12') or set PYTHON=/path/to/python3.12" >&2; exit 1; fi
	"$(PYTHON)" -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(STAMP): $(PY) pyproject.toml
	@echo "== installing ieisim and its dependencies into $(VENV) (a few minutes the first time)"
	$(PY) -m pip install -e ".[test]"
	@echo "== installing the web app's offline front-end files"
	$(PY) -m sim.app.assets install
	@touch $(STAMP)

venv install: $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/ieisim demo

test: $(STAMP) lint
	$(PY) -m pytest -q

lint: $(STAMP)
	$(VENV)/bin/ruff check sim tests benchmarks

test-fast: $(STAMP)
	$(PY) -m pytest -q -m "not slow and not browser"

bench: $(STAMP)
	$(PY) benchmarks/run_all.py

baseline: $(STAMP)
	$(PY) tests/update_baseline.py

clean:
	rm -rf $(VENV) build *.egg-info
