# Sourced by scripts/run.sh, scripts/telegram.sh and `make retention`: settings come from the
# environment, and .env (if present, see .env.example) fills in the ones not already set.
# Reads KEY=value lines like bot/staff/project.py does: `export ` prefix and quotes around the value
# are dropped; comments and blank lines are skipped. Nothing is printed (values may be secrets).
if [ -f .env ]; then
  while IFS= read -r line || [ -n "$line" ]; do
    line="${line#"${line%%[![:space:]]*}"}"          # leading spaces
    line="${line#export }"
    key="${line%%=*}"
    [[ $line == *=* && $key =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] || continue
    value="${line#*=}"
    value="${value%"${value##*[![:space:]]}"}"      # trailing spaces
    if [[ $value == \"*\" || $value == \'*\' ]]; then value="${value:1:${#value}-2}"; fi
    [ -n "${!key:-}" ] || export "$key=$value"
  done < .env
fi
