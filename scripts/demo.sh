#!/usr/bin/env bash
# The main job on a fresh machine: install what is missing, start a local PostgreSQL, build orch, serve the
# bundled DummyJSON snapshot on loopback (unless SHOPSTREAM_SOURCE_URL points elsewhere), run shopstream_daily for
# yesterday, and leave the dashboard up showing the run. Ctrl-C stops everything.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT="${ORCH_PORT:-8080}"
SOURCE_PORT="${SHOPSTREAM_SOURCE_PORT:-8090}"
export ORCH_HOME="${ORCH_HOME:-$PWD/.orch}"

echo "== installing what is missing"
bash scripts/install-deps.sh
echo "== starting PostgreSQL"
export ORCH_WAREHOUSE_DSN="${ORCH_WAREHOUSE_DSN:-$(bash scripts/pg-up.sh)}"
echo "== building orch (release)"
swift build -c release --product orch 2>&1 | grep -E "error|warning: unre|Compiling orch|Build complete" || true
swift build -c release --product orch >/dev/null
ORCH="$PWD/.build/release/orch"

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM

if [ -z "${SHOPSTREAM_SOURCE_URL:-}" ]; then
    echo "== serving the bundled DummyJSON snapshot on 127.0.0.1:${SOURCE_PORT}"
    "$ORCH" shopstream serve-source --port "$SOURCE_PORT" &
    pids+=($!)
    export SHOPSTREAM_SOURCE_URL="http://127.0.0.1:${SOURCE_PORT}"
    for _ in $(seq 1 50); do curl -fsS "$SHOPSTREAM_SOURCE_URL/users?limit=1" >/dev/null 2>&1 && break; sleep 0.1; done
fi

DAY="$(date -u -d yesterday +%F)"
if "$ORCH" runs list shopstream_daily --limit 1000 2>/dev/null | grep -q "^manual__${DAY}T00:00:00Z"; then
    echo "== shopstream_daily already ran for ${DAY} in ${ORCH_HOME}; showing it (re-run: orch runs clear manual__${DAY}T00:00:00Z --dag shopstream_daily)"
else
    echo "== running shopstream_daily for ${DAY} from ${SHOPSTREAM_SOURCE_URL}"
    "$ORCH" run shopstream_daily --logical-date "$DAY" || echo "shopstream_daily failed: see the dashboard and 'orch logs'"
fi

echo "== dashboard: http://127.0.0.1:${PORT}  (Ctrl-C to stop)"
"$ORCH" serve --port "$PORT" &
pids+=($!)
for _ in $(seq 1 50); do [ -s "$ORCH_HOME/api-token" ] && break; sleep 0.1; done
[ -s "$ORCH_HOME/api-token" ] && echo "   API token (paste it into the dashboard to trigger, clear, pause): $(cat "$ORCH_HOME/api-token")"
wait "${pids[-1]}"
