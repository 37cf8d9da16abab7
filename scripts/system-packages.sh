#!/usr/bin/env bash
# Installs the Debian packages the tests need, only if missing: headless Chromium (browser tests),
# PostgreSQL, Redis and nginx (the scaled-out profile), npm (axe-core for the accessibility check). Called by `make test` and by .ci/run.
set -euo pipefail
need=()
command -v chromium >/dev/null || need+=(chromium)
command -v chromedriver >/dev/null || need+=(chromium-driver)
command -v redis-server >/dev/null || need+=(redis-server)
command -v npm >/dev/null || need+=(npm)   # axe-core for the browser accessibility check
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || need+=(nginx-light)
[ ${#need[@]} -eq 0 ] && exit 0
echo "Installing Debian packages: ${need[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null; then SUDO=sudo; else
    echo "These Debian packages are needed: ${need[*]} (run as root, or install them)" >&2; exit 1
  fi
fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
# Debian starts services after installing them; the tests start their own on free ports.
for s in nginx redis-server postgresql; do $SUDO service "$s" stop >/dev/null 2>&1 || true; done
