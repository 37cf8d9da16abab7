# Two commands for users: `make run` and `make test`. Everything else is set up on first use.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# Python 3.10 (Rasa 3.6 needs <3.11): pyenv selects it through .python-version.
PYTHON ?= $(shell pyenv which python 2>/dev/null || command -v python3.10 || ls -d $$HOME/.pyenv/versions/3.10*/bin/python 2>/dev/null | tail -1)
VENV := .venv
BIN := $(VENV)/bin
export PYTHONPATH := $(CURDIR)
export TF_CPP_MIN_LOG_LEVEL := 3
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
export RASA_TELEMETRY_ENABLED := false

RASA_PORT ?= 5005
ACTIONS_PORT ?= 5055
WEB_PORT ?= 8080
MODEL := models/assistant.tar.gz
# bot/channels/ (the Telegram bridge) and the stores (bot/tracker_store.py, bot/lock_store.py,
# bot/retention.py) are not part of the model: editing them does not retrain.
TRAINING_INPUTS := config.yml domain.yml $(shell find data/nlu data/rules data/stories bot \( -path bot/channels -o -path bot/tracker_store.py -o -path bot/lock_store.py -o -path bot/retention.py \) -prune -o \( -name '*.yml' -o -name '*.py' \) -print 2>/dev/null)

.PHONY: help setup sysdeps train run telegram test test-unit validate test-stories bench bench-scale retention eval clean

help:
	@echo "make run    set up, train if needed, start the assistant and its web page"
	@echo "make telegram  start the Telegram bridge (needs TELEGRAM_BOT_TOKEN, see README)"
	@echo "make test   set up, train if needed, run all tests"
	@echo "make bench  print the benchmark table (accuracy, language, latency, memory)"
	@echo "make bench-scale  1 Rasa node vs 2 behind nginx (PostgreSQL + Redis): throughput, p95, errors"
	@echo "make retention    delete conversations idle longer than RETENTION_HOURS (default 24)"
	@echo "make eval   run the public behavioural sample against a running assistant"

setup: $(VENV)/.installed

$(VENV)/.installed: requirements.txt requirements.lock .python-version
	@v=$$($(PYTHON) -c 'import sys; print("%d.%d" % sys.version_info[:2])'); \
	  if [ "$$v" != "3.10" ]; then echo "Python 3.10 is needed (found $$v at $(PYTHON)); install it with pyenv." >&2; exit 1; fi
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade "pip<25" wheel
	$(BIN)/pip install --quiet -r requirements.txt -c requirements.lock
	@$(BIN)/python -c "import rasa; assert rasa.__version__ == '3.6.21', rasa.__version__"
	touch $@

train: $(MODEL)

$(MODEL): $(VENV)/.installed $(TRAINING_INPUTS)
	$(BIN)/rasa train --fixed-model-name assistant --out models --quiet
	@touch $@

run: $(MODEL)
	@bash scripts/run.sh

# The Telegram bridge, a separate process talking to the running assistant (see README, Telegram).
telegram: $(VENV)/.installed
	@bash scripts/telegram.sh

test: sysdeps $(MODEL) validate test-unit test-stories

# Chromium, PostgreSQL, Redis, nginx from Debian's packages, installed only if missing.
sysdeps:
	@bash scripts/system-packages.sh

validate: $(VENV)/.installed
	$(BIN)/rasa data validate --quiet

test-unit: $(MODEL)
	$(BIN)/python -m pytest -q

test-stories: $(MODEL)
	$(BIN)/rasa test core --model $(MODEL) --stories tests/stories --fail-on-prediction-errors --out results/stories --quiet

bench: $(MODEL)
	$(BIN)/python scripts/bench.py

# The scaled profile on loopback: PostgreSQL, Redis, nginx, 1 vs 2 Rasa nodes (a bounded run).
bench-scale: sysdeps $(MODEL)
	$(BIN)/python scripts/bench_scale.py

# One retention sweep on the configured store (TRACKER_STORE_URL); see docs/deploy.md for cron.
retention: $(VENV)/.installed
	$(BIN)/python -m bot.retention

eval:
	python3 ../shared/tools/eval_bot.py http://localhost:$(RASA_PORT)/webhooks/rest/webhook ../shared/eval/sample.jsonl --verbose

clean:
	rm -rf models results .pytest_cache
