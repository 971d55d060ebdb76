#!/usr/bin/env bash
# shopstream_daily benchmark: load_bronze throughput and the whole DAG at 1,000,000 clickstream events.
#
#   bench/shopstream_bench.sh                      # builds release orch, starts PostgreSQL, serves the snapshot
#   ORCH_BIN=/path/to/orch bench/shopstream_bench.sh
#   SHOPSTREAM_BENCH_EVENTS=200000 bench/shopstream_bench.sh
#
# Each run uses a fresh ORCH_HOME and a fresh PostgreSQL database (dropped afterwards). load_bronze throughput is
# the BronzeLoadResult the task logs (messages read / seconds inside the loader, one COPY per batch); the table of
# time per task comes from the SQLite task_attempt table. The last line is JSON for the master benchmark script:
# {"load_bronze_events_per_s": ..., "dag_1m_seconds": ..., "tasks": {...}}
# Targets on the 2-core reference machine: load_bronze >= 100,000 events/s, the DAG <= 60 s.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
EVENTS="${SHOPSTREAM_BENCH_EVENTS:-1000000}"
DATE="${SHOPSTREAM_BENCH_DATE:-2026-11-20}"
ADMIN_PG="${ORCH_BENCH_PG:-postgresql://orch:orch@127.0.0.1:5432/orch}"

log() { echo "shopstream-bench: $*" >&2; }

source "$ROOT/scripts/lib/bundles.sh"   # ORCH_RELEASE, build_repo_bundles, use_repo_bundles
if [ -z "${ORCH_BIN:-}" ]; then
    log "building release orch and the bundles (scripts/lib/bundles.sh's ORCH_RELEASE)"
    (cd "$ROOT" && swift build "${ORCH_RELEASE[@]}" --product orch >&2)
    (cd "$ROOT" && build_repo_bundles "${ORCH_RELEASE[@]}" >&2)
    ORCH_BIN="$(cd "$ROOT" && swift build -c release --show-bin-path)/orch"
fi
[ -x "$ORCH_BIN" ] || { log "no orch binary at $ORCH_BIN; build it or set ORCH_BIN"; exit 1; }
source "$ROOT/scripts/lib/pg.sh"
use_repo_bundles "$ORCH_BIN"

bash "$ROOT/scripts/pg-up.sh" >/dev/null

WORK="$(mktemp -d /tmp/shopstream-bench.XXXXXX)"
DB="orch_bench_$(date +%s)_$$"
SERVER_PID=""
cleanup() {
    if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
    psql -X -q -d "$ADMIN_PG" -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1 || true
    if [ -z "${SHOPSTREAM_BENCH_KEEP:-}" ]; then rm -rf "$WORK"; else log "kept $WORK"; fi
}
trap cleanup EXIT

# The snapshot on a free loopback port.
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
mkdir -p "$WORK/source"
ORCH_HOME="$WORK/source" "$ORCH_BIN" shopstream serve-source --port "$PORT" >"$WORK/source.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 100); do
    if python3 -c "import socket,sys; socket.create_connection(('127.0.0.1', $PORT), 0.2)" 2>/dev/null; then break; fi
    sleep 0.1
done
SOURCE_URL="http://127.0.0.1:$PORT"

psql -X -q -v ON_ERROR_STOP=1 -d "$ADMIN_PG" -c "CREATE DATABASE $DB" >/dev/null
DSN="$(database_dsn "$ADMIN_PG" "$DB")"

HOME_DIR="$WORK/home"
mkdir -p "$HOME_DIR"
CONF="{\"clickstream_events\": $EVENTS, \"source_url\": \"$SOURCE_URL\", \"warehouse_dsn\": \"$DSN\"}"
log "orch run shopstream_daily --logical-date $DATE with $EVENTS clickstream events (ORCH_HOME $HOME_DIR, database $DB)"
LOAD_BEFORE="$(cut -d' ' -f1 /proc/loadavg)"
START_NS="$(date +%s%N)"
set +e
ORCH_HOME="$HOME_DIR" "$ORCH_BIN" run shopstream_daily --logical-date "$DATE" --conf "$CONF" >"$WORK/run.log" 2>&1
STATUS=$?
set -e
END_NS="$(date +%s%N)"
LOAD_AFTER="$(cut -d' ' -f1 /proc/loadavg)"
cat "$WORK/run.log" >&2
if [ "$STATUS" -ne 0 ]; then log "orch run failed with status $STATUS"; fi

python3 "$ROOT/bench/shopstream/report.py" --db "$HOME_DIR/orch.db" --events "$EVENTS" \
    --loadavg "$LOAD_BEFORE $LOAD_AFTER" --cores "$(nproc)" \
    --wall-seconds "$(python3 -c "print(($END_NS - $START_NS) / 1e9)")" \
    --rows "$(psql -X -At -F ' ' -d "$DSN" -c "SELECT (SELECT count(*) FROM bronze.raw_events), (SELECT count(*) FROM silver.events), (SELECT count(*) FROM gold.fct_orders)" 2>/dev/null || true)"
exit "$STATUS"
