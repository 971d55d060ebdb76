#!/usr/bin/env bash
# Dashboard paging at 10,000 runs (issue 16, item 4): seeds RUNS runs of bench_chain_20 (20 tasks each) into a temp
# ORCH_HOME with seed.py, serves it with `orch webserver` (ORCH_API_CACHE=0: every request queried), and prints the
# median and max of 21 curl requests for the grid's newest, middle and oldest pages, GET /failures and the DAG list
# with failing DAGs first; then the same /failures with no failure at all in the history (its worst case: a scan).
# Env: ORCH_BIN (default .build/debug/orch), RUNS (10000).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
orch="${ORCH_BIN:-$repo/.build/debug/orch}"
runs="${RUNS:-10000}"
source "$repo/scripts/lib/bundles.sh"
use_repo_bundles "$orch"
home="$(mktemp -d /tmp/orch-grid-paging.XXXXXX)"
export ORCH_HOME="$home" ORCH_API_TOKEN="bench-token"
pid=""
cleanup() { [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; rm -rf "$home"; }
trap cleanup EXIT
(cd "$repo" && "$orch" dags list >/dev/null)
python3 "$here/seed.py" "$home/orch.db" bench_chain_20 "$(seq -s, -f 'c%g' 1 20)" "$runs"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
(cd "$repo" && ORCH_API_CACHE=0 exec "$orch" webserver --port "$port" > "$home/web.log" 2>&1) &
pid=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/api/v1/health" >/dev/null 2>&1 && break; sleep 0.1; done
measure() {   # $1: path under /api/v1
    local times
    times="$(for _ in $(seq 21); do curl -s -o /dev/null -w '%{time_total}\n' "http://127.0.0.1:$port/api/v1/$1"; done | sort -n)"
    printf '%-55s median %5.1f ms  max %5.1f ms\n' "$1" "$(echo "$times" | sed -n 11p | awk '{print $1 * 1000}')" \
        "$(echo "$times" | tail -1 | awk '{print $1 * 1000}')"
}
last=$(( runs > 25 ? runs - 25 : 0 ))
for path in "dags/bench_chain_20/grid?limit=25" "dags/bench_chain_20/grid?limit=25&offset=$(( runs / 2 ))" \
            "dags/bench_chain_20/grid?limit=25&offset=$last" "failures?limit=25" "dags?order_by=failing_first"; do
    measure "$path"
done
python3 -c "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.execute(\"UPDATE task_attempt SET state = 'success'\"); c.execute(\"UPDATE dag_run SET state = 'success'\"); c.commit()" "$home/orch.db"
echo "no failure in the history:"
measure "failures?limit=25"
