#!/usr/bin/env bash
# The Insights benchmark: a year of ShopStream gold aggregates at 1,000,000 events a day (bench/insights/year.sql) in
# a scratch database migrated with migrations/warehouse (0009 adds the summary the top-customers panel needs), served
# by `orch webserver` over a temporary ORCH_HOME; measure.py times every panel of the ShopStream dashboard.
# Targets (issue 15): p95 per panel <= 100 ms, whole page <= 500 ms, server side.
#
#   bash bench/insights/run.sh [ORCH_BINARY]     (default: .build/release/orch, built if missing)
# Env: ORCH_TEST_PG (admin database URL, default postgresql://orch:orch@127.0.0.1:5432/orch_test), REPEATS (40).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
orch="${1:-$repo/.build/release/orch}"
if [ ! -x "$orch" ]; then (cd "$repo" && source scripts/lib/bundles.sh && swift build "${ORCH_RELEASE[@]}" --product orch 2>&1 | tail -2); fi
admin="${ORCH_TEST_PG:-postgresql://orch:orch@127.0.0.1:5432/orch_test}"
db="orch_insights_bench_$$"
home="$(mktemp -d /tmp/orch-insights-bench.XXXXXX)"
pid=""
cleanup() {
  if [ -n "$pid" ]; then kill -TERM "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  psql "$admin" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" || true
  rm -rf "$home"
}
trap cleanup EXIT
psql "$admin" -qc "CREATE DATABASE $db"
url="${admin%/*}/$db"
echo "migrating $db and generating a year of gold (about 20 s)" >&2
for f in "$repo"/migrations/warehouse/0*.sql; do psql "$url" -q -v ON_ERROR_STOP=1 -f "$f" >/dev/null; done
psql "$url" -q -f "$here/year.sql" >&2
mkdir -p "$repo/bench/out"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
(cd "$repo" && ORCH_HOME="$home" ORCH_CONN_WAREHOUSE="$url" ORCH_API_TOKEN=bench exec "$orch" webserver --port "$port" \
  --web-nice 0 > "$home/webserver.log" 2>&1) &
pid=$!
# A debug build on a busy machine can take tens of seconds to load the bundles: wait up to 120 s.
for _ in $(seq 1 1200); do curl -sf "http://127.0.0.1:$port/api/v1/health" >/dev/null 2>&1 && break; sleep 0.1; done
curl -sf "http://127.0.0.1:$port/api/v1/health" >/dev/null || { echo "orch webserver did not answer; its log:" >&2; tail -20 "$home/webserver.log" >&2; exit 1; }
echo "load: $(cut -d' ' -f1-3 /proc/loadavg) (1/5/15 min) on $(nproc) cores" >&2
python3 "$here/measure.py" "http://127.0.0.1:$port" shopstream --repeats "${REPEATS:-40}" --json "$repo/bench/out/insights.json"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
