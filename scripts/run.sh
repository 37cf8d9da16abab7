#!/usr/bin/env bash
# Starts the action server, the Rasa server (REST channel) and the demo web page; Ctrl-C stops all.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
# Settings come from the environment; .env (if present, see .env.example) fills in the ones not set.
if [ -f .env ]; then
  while IFS='=' read -r key value || [ -n "$key" ]; do
    [[ $key =~ ^[A-Z_][A-Z0-9_]*$ ]] || continue   # comments and blank lines
    [ -n "${!key:-}" ] || export "$key=$value"
  done < .env
fi
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
# The demo page and the widget: texts made from data/, served with a strict Content-Security-Policy.
$BIN/python scripts/widget_texts.py >/dev/null
$BIN/python scripts/serve_web.py --port "$WEB_PORT" --assistant "http://localhost:${RASA_PORT}" &
pids+=($!)

echo "Waiting for the assistant to start..."
for _ in $(seq 1 120); do
  if curl -sf "http://localhost:${RASA_PORT}/" >/dev/null 2>&1; then break; fi
  sleep 1
done
cat <<MSG

  The assistant is running.
    Web page (EN/FR):  http://localhost:${WEB_PORT}/   (en français : http://localhost:${WEB_PORT}/index.fr.html)
    REST channel:      POST http://localhost:${RASA_PORT}/webhooks/rest/webhook
  Press Ctrl-C to stop.

MSG
wait -n "${pids[@]}"
