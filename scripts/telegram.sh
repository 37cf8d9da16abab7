#!/usr/bin/env bash
# Starts the Telegram bridge (bot/channels/telegram). The assistant must be running (`make run`).
# Settings come from the environment; .env (if present) fills in the ones not already set.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -f .env ]; then
  while IFS='=' read -r key value || [ -n "$key" ]; do
    [[ $key =~ ^[A-Z_][A-Z0-9_]*$ ]] || continue   # comments and blank lines
    [ -n "${!key:-}" ] || export "$key=$value"
  done < .env
fi
exec .venv/bin/python -m bot.channels.telegram
