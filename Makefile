# One virtual environment per checkout: `tui` and `scenarios` are also names of small, old PyPI
# packages, so Cookline never goes into a shared site-packages.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.cookline-installed

.PHONY: run test lint bench fuzz chaos snapshots screenshots recordings clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test,bench]"
	touch $(STAMP)

run: $(STAMP)  ## set up, then open Cookline
	$(BIN)/cookline

test: $(STAMP)  ## set up, then lint, type-check and run the whole test suite
	$(BIN)/ruff check scenarios tui tests benchmarks examples
	$(BIN)/ruff format --check scenarios tui tests benchmarks examples
	$(BIN)/mypy
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check scenarios tui tests benchmarks examples
	$(BIN)/ruff format --check scenarios tui tests benchmarks examples
	$(BIN)/mypy

bench: $(STAMP)  ## speed figures, as ratios to baselines measured in the same run
	$(BIN)/python -m benchmarks

fuzz: $(STAMP)  ## 10,000 hostile files through every loader (the suite runs 300)
	COOKLINE_FUZZ=3334 $(BIN)/python -m pytest tests/test_fuzz.py -q -s

chaos: $(STAMP)  ## 200 live runs hit by a signal at a random moment (the suite runs 10)
	COOKLINE_CHAOS=200 $(BIN)/python -m pytest tests/test_chaos.py -q -s

screenshots: $(STAMP)  ## the README's pictures, from the bundled recordings
	$(BIN)/python -m tui.pictures screenshots

recordings: $(STAMP)  ## run every scenario on this machine and bundle the runs
	$(BIN)/python -m tui.pictures recordings

snapshots: $(STAMP)  ## accept new snapshot pictures (look at them first)
	$(BIN)/python -m pytest tests --snapshot-update

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
