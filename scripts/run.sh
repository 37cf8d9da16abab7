#!/usr/bin/env bash
# `make run`: the action server, the Rasa server (web channel) and the demo web page; Ctrl-C stops all.
# Settings and secrets come from the environment, or from a `.env` file (see .env.example), read by the
# one .env reader (scripts/load-env.sh -> bot/shared/settings.py). The processes are started by the one
# launcher the tests and the benches also use: scripts/servers.py (`run`).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/load-env.sh
exec .venv/bin/python -m scripts.servers run
