#!/usr/bin/env bash
# Browser tests of the Assets page and an asset page on a demo warehouse (issue 14): serves the bundled DummyJSON
# snapshot on loopback, runs shopstream_daily for two days into a fresh PostgreSQL database (ORCH_TEST_PG's server)
# and a temp ORCH_HOME, serves the dashboard, and drives headless Chromium (selenium) over it. Screenshots land in
# tests-browser/screenshots/. Needs what run.sh installs (it is run after it by scripts/test.sh).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/.." && pwd)"
scratch="${ORCH_SCRATCH:-$repo/.build-api}"
admin="${ORCH_TEST_PG:-postgresql://orch:orch@127.0.0.1:5432/orch_test}"

if [ ! -x "$here/.venv/bin/python" ]; then python3 -m venv "$here/.venv"; fi
"$here/.venv/bin/python" -c 'import selenium, pytest' 2>/dev/null || "$here/.venv/bin/pip" install -q selenium pytest
if [ -n "${ORCH_BIN:-}" ] && [ -x "$ORCH_BIN" ]; then orch="$ORCH_BIN"; else
  (cd "$repo" && swift build --scratch-path "$scratch" --product orch 2>&1 | tail -3)
  orch="$scratch/debug/orch"
fi

home="$(mktemp -d /tmp/orch-assets.XXXXXX)"
db="orch_assets_$$"
dsn="$(python3 -c 'import sys, urllib.parse as u; p = u.urlparse(sys.argv[1]); print(p._replace(path="/" + sys.argv[2]).geturl())' "$admin" "$db")"
export ORCH_HOME="$home" ORCH_API_TOKEN="assets-test-token-$$"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
port="$(free_port)"; source_port="$(free_port)"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  psql -X -q -d "$admin" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$home"
}
trap cleanup EXIT

psql -X -q -v ON_ERROR_STOP=1 -d "$admin" -c "CREATE DATABASE $db" >/dev/null
"$orch" shopstream serve-source --port "$source_port" > "$home/source.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 100); do curl -fsS "http://127.0.0.1:$source_port/users?limit=1" >/dev/null 2>&1 && break; sleep 0.1; done
conf="{\"clickstream_events\": 400, \"source_url\": \"http://127.0.0.1:$source_port\", \"warehouse_dsn\": \"$dsn\"}"
for day in 2026-11-19 2026-11-20; do
  echo "running shopstream_daily for $day into the demo warehouse $db"
  (cd "$repo" && timeout 600 "$orch" run shopstream_daily --quiet --logical-date "$day" --conf "$conf") \
    || { echo "shopstream_daily failed for $day"; exit 1; }
done

# The scheduler of `orch serve` triggers shopstream_daily_report (scheduled on gold) on the same warehouse.
(cd "$repo" && ORCH_WAREHOUSE_DSN="$dsn" exec "$orch" serve --port "$port" --slots 2 > "$home/serve.log" 2>&1) &
pids+=($!)
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/api/v1/health" >/dev/null 2>&1 && break; sleep 0.1; done

mkdir -p "$here/screenshots"
status=0
ORCH_URL="http://127.0.0.1:$port" ORCH_HOME="$home" "$here/.venv/bin/python" -m pytest -q "$here/test_assets.py" "$@" || status=$?
if [ "$status" -ne 0 ]; then
  echo "--- orch serve log"; tail -40 "$home/serve.log"
  echo "--- failed tries"; curl -s "http://127.0.0.1:$port/api/v1/failures?limit=5" | head -c 3000; echo
fi
exit "$status"
