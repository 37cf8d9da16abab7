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
AXE := tests/browser/node_modules/axe-core/axe.min.js
# data/safety/*.yml (and its schema) are the safety rules: the model keeps a copy, so editing them retrains.
# Not part of the model, so editing them does not retrain: bot/channels/ (the Telegram bridge),
# bot/staff/ and bot/cli.py (the staff tools), the stores (bot/plugins/tracker_store.py, bot/plugins/lock_store.py,
# bot/retention.py), the process start-up (bot/startup.py, bot/shared/redaction.py, bot/plugins/rasa_speedups.py,
# bot/plugins/api_guard.py, bot/shared/settings.py, bot/action_server.py).
NOT_TRAINED := bot/channels bot/staff bot/plugins/tracker_store.py bot/plugins/lock_store.py bot/retention.py bot/startup.py \
  bot/shared/redaction.py bot/plugins/rasa_speedups.py bot/plugins/api_guard.py bot/shared/settings.py bot/action_server.py
# eval/heldout/: the labelled conversations the danger score learns from (config.yml, DangerScore).
TRAINING_INPUTS := config.yml domain.yml $(wildcard eval/heldout/*.jsonl) $(shell find data/nlu data/rules data/stories data/safety bot \( $(foreach p,$(NOT_TRAINED),-path $(p) -o) -false \) -prune -o \( -name '*.yml' -o -name '*.json' -o -name '*.py' \) -print 2>/dev/null | grep -v '^bot/cli.py$$')

.PHONY: help setup sysdeps lint train run telegram test test-unit validate check check-secrets evaluate test-stories bench profile bench-long bench-scale retention eval clean web screenshots

help:
	@echo "make run    set up, train if needed, start the assistant and its web page"
	@echo "make telegram  start the Telegram bridge (needs TELEGRAM_BOT_TOKEN, see docs/telegram.md)"
	@echo "make test   set up, train if needed, run all tests"
	@echo "make bench  print the benchmark table (accuracy, language, latency, memory)"
	@echo "make profile  where the time of one message goes (NLU, policies, actions, store)"
	@echo "make bench-long  per-turn latency at turn 10 vs turn 300 of one conversation"
	@echo "make bench-scale  1 Rasa node vs 2 behind nginx (PostgreSQL + Redis): throughput, p95, errors"
	@echo "make retention    delete conversations idle longer than RETENTION_HOURS (default 24)"
	@echo "make eval   run the public behavioural sample against a running assistant"
	@echo "staff: .venv/bin/bot --help (try, check, train, evaluate, reload, rollback, restore-data, resources); docs/staff-guide.md"

setup: $(VENV)/.installed

$(VENV)/.installed: requirements.txt requirements-nodeps.txt requirements.lock .python-version pyproject.toml
	@v=$$($(PYTHON) -c 'import sys; print("%d.%d" % sys.version_info[:2])'); \
	  if [ "$$v" != "3.10" ]; then echo "Python 3.10 is needed (found $$v at $(PYTHON)); install it with pyenv." >&2; exit 1; fi
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade "pip<25" wheel
	$(BIN)/pip install --quiet -r requirements.txt -c requirements.lock
	$(BIN)/pip install --quiet --no-deps -r requirements-nodeps.txt -c requirements.lock  # see requirements.txt
	@$(BIN)/python -c "import rasa; assert rasa.__version__ == '3.6.21', rasa.__version__"
	$(BIN)/pip install --quiet --no-deps --no-build-isolation -e .   # the `bot` staff command
	touch $@

train: $(MODEL)

$(MODEL): $(VENV)/.installed $(TRAINING_INPUTS)
	$(BIN)/rasa train --fixed-model-name assistant --out models --quiet
	@touch $@

run: $(MODEL)
	@bash scripts/run.sh

# The web widget's texts (web/widget-texts.js), made from data/; run.sh and the browser tests also do it.
web: $(VENV)/.installed
	@$(BIN)/python scripts/widget_texts.py >/dev/null

# axe-core (pinned in tests/browser/package-lock.json) for the browser tests' accessibility check.
$(AXE): tests/browser/package.json tests/browser/package-lock.json
	cd tests/browser && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	@touch $@

# Refresh the README's widget and guided-path screenshots (docs/screenshots/) with the browser tests.
screenshots: $(MODEL) web $(AXE)
	SCREENSHOTS=docs/screenshots $(BIN)/python -m pytest -q tests/test_widget_browser.py -k "accessibility or layout or signs_check"

# The Telegram bridge, a separate process talking to the running assistant (docs/telegram.md).
telegram: $(VENV)/.installed
	@bash scripts/telegram.sh

# `bot check` first (plain-words problems before a long training; it runs `rasa data validate`),
# `bot evaluate` last: a real drop against the accepted model's per-case results (eval/accepted_results.json),
# or any emergency case that loses 911, fails here. On a fresh clone (no model accepted on this computer
# yet), a model that passes is recorded as the first accepted one in models/index.json, for `bot rollback`.
test: sysdeps check-secrets lint check $(MODEL) test-unit test-stories evaluate

# Lint, format and type checks (settings in pyproject.toml; `.venv/bin/ruff format .` fixes the format;
# mypy is lenient except for bot/shared/, which every part imports).
lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy bot actions

# Chromium, PostgreSQL, Redis, nginx from Debian's packages, installed only if missing.
sysdeps:
	@bash scripts/system-packages.sh

# Fails if a token-like string is committed (secrets come from the environment; see .env.example).
check-secrets:
	python3 scripts/check_secrets.py

validate: $(VENV)/.installed
	$(BIN)/rasa data validate --quiet

check: $(VENV)/.installed
	$(BIN)/bot check

evaluate: $(MODEL)
	$(BIN)/bot evaluate

test-unit: $(MODEL) web $(AXE)
	$(BIN)/python -m pytest -q

test-stories: $(MODEL)
	$(BIN)/rasa test core --model $(MODEL) --stories tests/stories --fail-on-prediction-errors --out results/stories --quiet

bench: $(MODEL)
	$(BIN)/python scripts/bench.py

# Where the time of one message goes (NLU parts, policies, action server, store), as a table.
profile: $(MODEL)
	$(BIN)/python scripts/profile_turn.py

bench-long: $(MODEL)
	$(BIN)/python scripts/bench_long_conversation.py
# The scaled profile on loopback: PostgreSQL, Redis, nginx, 1 vs 2 Rasa nodes (a bounded run).
bench-scale: sysdeps $(MODEL)
	$(BIN)/python scripts/bench_scale.py

# One retention sweep on the configured store (TRACKER_STORE_URL); see docs/deploy.md for cron.
retention: $(VENV)/.installed
	@. scripts/load-env.sh && $(BIN)/python -m bot.retention

# The behavioural contract against the running assistant (make run): eval/eval_bot.py on a set of
# eval/ (the public sample by default; EVAL_SET=eval/heldout/final.jsonl for another).
EVAL_SET ?= eval/sample.jsonl
eval:
	python3 eval/eval_bot.py http://localhost:$(RASA_PORT)/webhooks/rest/webhook $(EVAL_SET) --verbose

clean:
	rm -rf models results .pytest_cache
