#!/usr/bin/env bash
# Starts the Telegram bridge (bot/channels/telegram). The assistant must be running (`make run`).
# Settings come from the environment; .env (if present) fills in the ones not already set.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/load-env.sh
exec .venv/bin/python -m bot.channels.telegram
