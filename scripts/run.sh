#!/usr/bin/env bash
# Starts the action server, the Rasa server (web channel) and the demo web page; Ctrl-C stops all.
# Settings and secrets come from the environment, or from a `.env` file (see .env.example).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
. scripts/load-env.sh

RASA_PORT=${RASA_PORT:-5005}
RASA_HOST=${RASA_HOST:-127.0.0.1}
ACTIONS_PORT=${ACTIONS_PORT:-5055}
WEB_PORT=${WEB_PORT:-8080}
CORS_ORIGINS=${CORS_ORIGINS:-http://localhost:${WEB_PORT}}
export RASA_TELEMETRY_ENABLED=${RASA_TELEMETRY_ENABLED:-false}   # no usage data sent to Rasa
export ACTION_SERVER_HOST=${ACTION_SERVER_HOST:-127.0.0.1}
# Rasa authenticates to the action server with this secret; a fresh one per run if none is set.
export ACTION_SERVER_TOKEN=${ACTION_SERVER_TOKEN:-$($BIN/python -c 'import secrets; print(secrets.token_hex(32))')}
if [ "$CORS_ORIGINS" = "*" ]; then
  echo "CORS_ORIGINS='*' would let any web site call the assistant; list the page origins instead." >&2
  exit 1
fi

pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM

endpoints=$(mktemp --suffix=.yml)
sed "s|localhost:5055|localhost:${ACTIONS_PORT}|" endpoints.yml > "$endpoints"

$BIN/python -m bot.action_server --actions actions --port "$ACTIONS_PORT" --quiet &
pids+=($!)
# The HTTP API exposes conversations and model loading: off unless RASA_API_TOKEN is set, and then
# guarded (bot/channels/api_guard.py: token required; /model only from this machine, local files only).
api=()
if [ -n "${RASA_API_TOKEN:-}" ]; then api=(--enable-api --auth-token "$RASA_API_TOKEN"); fi
# shellcheck disable=SC2086  # CORS_ORIGINS is a space- or comma-separated list
$BIN/rasa run --model models/assistant.tar.gz --endpoints "$endpoints" --credentials credentials.yml \
  --interface "$RASA_HOST" --port "$RASA_PORT" --cors ${CORS_ORIGINS//,/ } ${api[@]+"${api[@]}"} --quiet &
pids+=($!)
# The demo page and the widget: texts made from data/, served with a strict Content-Security-Policy.
$BIN/python scripts/widget_texts.py >/dev/null
$BIN/python scripts/serve_web.py --port "$WEB_PORT" --assistant "http://localhost:${RASA_PORT}" &
pids+=($!)

echo "Waiting for the assistant to start..."
for _ in $(seq 1 120); do
  if $BIN/python -c "import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)" \
    "http://127.0.0.1:${RASA_PORT}/" >/dev/null 2>&1; then break; fi
  sleep 1
done
cat <<MSG

  The assistant is running.
    Web page (EN/FR):  http://localhost:${WEB_PORT}/   (en français : http://localhost:${WEB_PORT}/index.fr.html)
    REST channel:      POST http://localhost:${RASA_PORT}/webhooks/rest/webhook
  Press Ctrl-C to stop.

MSG
wait -n "${pids[@]}"
