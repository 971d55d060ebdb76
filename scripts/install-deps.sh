#!/usr/bin/env bash
# Installs the system packages orch needs, only those missing (Debian 12, apt-get, non-interactive).
#   scripts/install-deps.sh            build + run: C libraries, PostgreSQL
#   scripts/install-deps.sh --browser  also Chromium and chromedriver for the dashboard tests, wrk for benchmarks
set -euo pipefail
packages=(pkg-config libsqlite3-dev libpq-dev libmicrohttpd-dev libcurl4-openssl-dev postgresql postgresql-client sqlite3)
if [ "${1:-}" = "--browser" ]; then packages+=(chromium chromium-driver wrk python3-venv); fi
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "install-deps: installing ${missing[*]}" >&2
as_root() { if [ "$(id -u)" = "0" ]; then "$@"; else sudo -n -- "$@"; fi; }
as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q >&2
as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
