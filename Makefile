# Two commands on a fresh machine: `make run` and `make test` (README).
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PLAN   ?=

.PHONY: run test system-deps bench demo clean

$(VENV)/.installed: pyproject.toml
	bash scripts/system-deps.sh
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	touch $@

# The tests also need the system's GDAL tools (scripts/system-deps.sh): re-checked when that list changes.
$(VENV)/.installed-test: $(VENV)/.installed scripts/system-deps.sh
	bash scripts/system-deps.sh
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

run: $(VENV)/.installed
	$(PY) main.py $(PLAN)

test: $(VENV)/.installed-test
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q

bench: $(VENV)/.installed-test
	$(PY) -m pip install --quiet -e '.[test,bench]'
	QT_QPA_PLATFORM=offscreen $(PY) -m bench

demo: $(VENV)/.installed
	$(PY) scripts/build_demo.py

system-deps:
	bash scripts/system-deps.sh

clean:
	rm -rf $(VENV) .pytest_cache
