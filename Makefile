# One way to run things. Every target creates .venv and installs citsec into it when needed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench fuzz clean install

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	# uv installs the same versions in half the time pip takes; pip where uv cannot be had. Compiled to
	# bytecode at install, as pip does: where PYTHONDONTWRITEBYTECODE is set (this machine), every
	# process would compile sklearn, spaCy and Prefect again (their imports took 9.8 CPU-s, not 4.2).
	( $(BIN)/python -m pip install --quiet uv \
		&& $(BIN)/uv pip install --quiet --compile-bytecode --python $(BIN)/python -e '.[dev]' ) \
		|| ( $(BIN)/python -m pip install --quiet --upgrade pip && $(BIN)/python -m pip install --quiet -e '.[dev]' )
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/python -m flows.demo

# Three test processes on this 2-core machine: tests wait on servers and child processes, and a third keeps
# both cores busy (a full run took 922 s, against 1,040 s with two, both beside other work).
test: $(STAMP)
	$(BIN)/python -m pytest -n 3 --dist loadgroup -q

lint: $(STAMP)
	$(BIN)/ruff check flows extractors models corpus tests bench
	$(BIN)/mypy flows extractors models corpus bench
	# tests/ has no packages and one conftest per folder: each folder is checked on its own
	$(BIN)/mypy tests/*.py
	for folder in tests/*/; do $(BIN)/mypy "$$folder" || exit 1; done

bench: $(STAMP)
	$(BIN)/python -m bench.run_all

fuzz: $(STAMP)
	CITSEC_FUZZ_EXAMPLES=5000 CITSEC_FUZZ_CHAINS=1000 $(BIN)/python -m pytest -n 2 -q tests/test_fuzz.py \
		tests/labels/test_late_label_orders.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache
