#!/usr/bin/env bash
# Starts the action server, the Rasa server (REST channel) and the demo web page; Ctrl-C stops all.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
# Settings and secrets from .env (see .env.example), if present; never committed.
if [ -f .env ]; then set -a; . ./.env; set +a; fi
RASA_PORT=${RASA_PORT:-5005}
ACTIONS_PORT=${ACTIONS_PORT:-5055}
WEB_PORT=${WEB_PORT:-8080}

pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM

endpoints=$(mktemp --suffix=.yml)
sed "s|localhost:5055|localhost:${ACTIONS_PORT}|" endpoints.yml > "$endpoints"

$BIN/rasa run actions --actions actions --port "$ACTIONS_PORT" --quiet &
pids+=($!)
# The HTTP API stays off unless RASA_API_TOKEN is set (for `bot reload`): it would expose conversations.
api=()
if [ -n "${RASA_API_TOKEN:-}" ]; then api=(--enable-api --auth-token "$RASA_API_TOKEN"); fi
$BIN/rasa run --model models/assistant.tar.gz --endpoints "$endpoints" --credentials credentials.yml \
  --port "$RASA_PORT" --cors "http://localhost:${WEB_PORT}" --quiet "${api[@]}" &
pids+=($!)
$BIN/python -m http.server "$WEB_PORT" --bind 127.0.0.1 --directory web >/dev/null 2>&1 &
pids+=($!)

echo "Waiting for the assistant to start..."
for _ in $(seq 1 120); do
  if curl -sf "http://localhost:${RASA_PORT}/" >/dev/null 2>&1; then break; fi
  sleep 1
done
cat <<MSG

  The assistant is running.
    Web page (EN/FR):  http://localhost:${WEB_PORT}/
    REST channel:      POST http://localhost:${RASA_PORT}/webhooks/rest/webhook
  Press Ctrl-C to stop.

MSG
wait -n "${pids[@]}"
