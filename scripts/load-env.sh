# Sourced by scripts/run.sh, scripts/telegram.sh and `make retention`: settings come from the
# environment, and .env in the current folder (if present, see .env.example) fills in the ones not
# already set. The file is read by python-dotenv through bot/shared/settings.py, the one reader of .env,
# so the shell gets exactly the values Python gets: `python -m bot.shared.settings exports` prints
# `export KEY='value'` lines, quoted for the shell, which are evaluated here. Nothing is printed
# (values may be secrets).
if [ -f .env ]; then
  _env_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
  _env_python="$_env_root/.venv/bin/python"   # the project's Python (`make setup`), else the system's
  [ -x "$_env_python" ] || _env_python=python3
  if ! _env_exports=$(PYTHONPATH="$_env_root${PYTHONPATH:+:$PYTHONPATH}" "$_env_python" -m bot.shared.settings exports); then
    echo "Reading .env failed (see above); \`make setup\` installs python-dotenv, which reads it." >&2
    unset _env_root _env_python _env_exports
    return 1 2>/dev/null || exit 1
  fi
  eval "$_env_exports"
  unset _env_root _env_python _env_exports
fi
