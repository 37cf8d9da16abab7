#!/usr/bin/env bash
# `make run`: the action server, the Rasa server (web channel) and the demo web page; Ctrl-C stops all.
# Settings and secrets come from the environment, or from a `.env` file (see .env.example), read by the
# one .env reader (scripts/load-env.sh -> bot/shared/settings.py). The processes are started by the
# launcher, scripts/servers.py (`run`), whose commands the tests and benches also use (tests/support/servers.py).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/load-env.sh
exec .venv/bin/python -m scripts.servers run
