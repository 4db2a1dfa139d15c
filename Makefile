# Two commands on a fresh machine: `make run` and `make test` (README).
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PLAN   ?=

.PHONY: run test test-slow fuzz crash system-deps bench bench-scale demo clean

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

# The tests marked slow (city-scale data: Malta exports, district-size plans), left out of `make test`.
test-slow: $(VENV)/.installed-test
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q -m slow

# Long runs of two suite tests (docs/reliability.md quotes their counts): 10,000 broken inputs to
# the importers and the plan opener, and 1,000 kills during edits, imports and checkpoints.
# Each test may run for up to two hours here (the suite ends a test after ten minutes: pyproject.toml).
fuzz: $(VENV)/.installed-test
	LIFECIRCLE_FUZZ_INPUTS=10000 QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q -s -o faulthandler_timeout=7200 tests/model/test_fuzz.py

crash: $(VENV)/.installed-test
	LIFECIRCLE_KILLS=1000 QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q -s -o faulthandler_timeout=7200 tests/model/test_kill.py

bench: $(VENV)/.installed-test
	$(PY) -m pip install --quiet -e '.[test,bench]'
	QT_QPA_PLATFORM=offscreen $(PY) -m bench

# District scale (issue 17): synthetic grids of 10^4-10^6 walking edges, minutes; not in `make bench`.
# SIZES=10000,100000 for a shorter run; JSON=1 for machine-readable output.
bench-scale: $(VENV)/.installed-test
	$(PY) -m pip install --quiet -e '.[test,bench]'
	QT_QPA_PLATFORM=offscreen $(PY) bench/bench_scale.py $(if $(SIZES),--sizes $(SIZES)) $(if $(JSON),--json)

demo: $(VENV)/.installed
	$(PY) scripts/build_demo.py

system-deps:
	bash scripts/system-deps.sh

clean:
	rm -rf $(VENV) .pytest_cache
