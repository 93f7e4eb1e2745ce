# Two commands on a fresh machine (only Python 3.11 and make needed):
#   make figures   set up .venv, then execute every notebook headless on the seed
#   make test      set up .venv, then run the test suite
# Also:
#   make study     execute the notebooks and export the written study to HTML
#                  (build/study/07-study.html; OUT-build/study/ for another OUT)
#   make test-quick  the tests without notebook execution
# Options (paths relative to where make runs, or absolute):
#   make figures TEXT=path/to/article.txt OUT=path/to/dir [SEED=n]
# Works from any directory: make -C /path/to/repo figures
ROOT := $(patsubst %/,%,$(dir $(abspath $(lastword $(MAKEFILE_LIST)))))
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := $(ROOT)/.venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEXT ?= $(ROOT)/seeds/000_ddd04bb6ad02cd99.txt
OUT ?= $(ROOT)/figures
SEED ?=
SEED_ARG := $(if $(SEED),--seed $(SEED),)

.PHONY: setup figures test test-quick study benchmark validate clean

setup: $(STAMP)

$(STAMP): $(ROOT)/pyproject.toml $(ROOT)/requirements/constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet -c $(ROOT)/requirements/constraints.txt -e "$(ROOT)[test]"
	touch $(STAMP)

figures: setup
	$(BIN)/python -m analysis figures --text "$(abspath $(TEXT))" --out "$(abspath $(OUT))" $(SEED_ARG)

study: setup
	$(BIN)/python -m analysis study --text "$(abspath $(TEXT))" --out "$(abspath $(OUT))" $(SEED_ARG)

test: setup
	cd $(ROOT) && $(BIN)/python -m pytest

test-quick: setup
	cd $(ROOT) && $(BIN)/python -m pytest -m "not notebooks"

benchmark: setup
	cd $(ROOT) && $(BIN)/python benchmarks/bench_tokenise.py

validate: setup
	cd $(ROOT) && $(BIN)/python benchmarks/validate_sentiment.py

clean:
	rm -rf $(ROOT)/build
