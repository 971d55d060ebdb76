#!/usr/bin/env bash
# The main job on a fresh machine: install what is missing, start a local PostgreSQL, build orch, serve the
# bundled DummyJSON snapshot on loopback (unless SHOPSTREAM_SOURCE_URL points elsewhere), run shopstream_daily for
# yesterday, and leave the dashboard up showing the run. Ctrl-C stops everything.
# `scripts/demo.sh --plan` prints the banner (what it will do, where, with which settings) and stops.
# Settings (environment, with defaults): see "Environment variables" in the README.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/progress.sh
source scripts/lib/ready.sh
PORT="${ORCH_PORT:-8080}"
SOURCE_PORT="${SHOPSTREAM_SOURCE_PORT:-8090}"
export ORCH_HOME="${ORCH_HOME:-$PWD/.orch}"

echo "orch demo: install what is missing, start PostgreSQL, build orch and the dags/ bundle (release, each"
echo "           compiling its own dependencies: minutes on 2 cores, progress shown), run shopstream_daily for"
echo "           yesterday, serve the dashboard with shopstream_daily and the examples."
echo "   dashboard  http://127.0.0.1:${PORT}  (ORCH_PORT)"
echo "   ORCH_HOME  ${ORCH_HOME}  (state database, logs, API token)"
echo "   source     ${SHOPSTREAM_SOURCE_URL:-bundled DummyJSON snapshot on 127.0.0.1:${SOURCE_PORT} (SHOPSTREAM_SOURCE_PORT)}"
if [ -n "${ORCH_WAREHOUSE_DSN:-}" ]; then warehouse="the PostgreSQL in ORCH_WAREHOUSE_DSN"
else warehouse="local PostgreSQL ${PG_VERSION:-15} on port ${PG_PORT:-5432}, started by scripts/pg-up.sh"; fi
echo "   warehouse  ${warehouse}"
if [ "${1:-}" = "--plan" ]; then exit 0; fi

echo "== installing what is missing"
bash scripts/install-deps.sh
echo "== starting PostgreSQL"
export ORCH_WAREHOUSE_DSN="${ORCH_WAREHOUSE_DSN:-$(bash scripts/pg-up.sh)}"
echo "== building orch (release)"
source scripts/lib/bundles.sh   # ORCH_RELEASE: release, the Swift runtime linked in, as orch builds a bundle
swift build "${ORCH_RELEASE[@]}" --product orch 2>&1 | build_progress || true
swift build "${ORCH_RELEASE[@]}" --product orch >/dev/null
ORCH="$PWD/.build/release/orch"
echo "== building the dags/ bundle (shopstream_daily and the examples; a package of its own, release)"
(cd dags && swift build "${ORCH_RELEASE[@]}" 2>&1 | build_progress) || true
(cd dags && swift build "${ORCH_RELEASE[@]}" >/dev/null)
export ORCH_BUNDLES="$PWD/dags"   # what `orch serve` loads by default from here; named so that every step agrees

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
    echo "== shopstream_daily already ran for ${DAY} in ${ORCH_HOME}; showing it (re-run: orch runs clear shopstream_daily manual__${DAY}T00:00:00Z)"
else
    echo "== running shopstream_daily for ${DAY} from ${SHOPSTREAM_SOURCE_URL}"
    "$ORCH" run shopstream_daily --logical-date "$DAY" || echo "shopstream_daily failed: see the dashboard and 'orch logs'"
fi

echo "== starting orch serve (scheduler, workers, dashboard)"
"$ORCH" serve --port "$PORT" &
pids+=($!)
for _ in $(seq 1 100); do curl -fsS "http://127.0.0.1:${PORT}/api/v1/health" >/dev/null 2>&1 && break; sleep 0.1; done
echo ""
print_ready "$PORT" "$ORCH_HOME"
echo "   Ctrl-C stops everything."
wait "${pids[-1]}"
