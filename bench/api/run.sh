#!/usr/bin/env bash
# API benchmark: 10,000 runs and 200,000 task instances of bench_chain_20 in a temp ORCH_HOME, `orch webserver`
# (release build), wrk against the runs list and the grid endpoint. Prints requests/s and p99 latency.
# Targets: >= 5,000 requests/s and p99 <= 20 ms. Each figure is the median of REPEATS wrk runs.
# Env: RUNS (10000), REPEATS (3), DURATION (10s), CONNECTIONS (32), THREADS (2).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
scratch="${ORCH_RELEASE_SCRATCH:-$repo/.build-api-release}"
runs="${RUNS:-10000}"; repeats="${REPEATS:-3}"; duration="${DURATION:-10s}"; connections="${CONNECTIONS:-32}"; threads="${THREADS:-2}"

command -v wrk >/dev/null || { sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"; $sudo_cmd apt-get install -y -qq wrk; }
echo "building orch (release, $scratch)"
(cd "$repo" && source scripts/lib/bundles.sh && swift build "${ORCH_RELEASE[@]}" --scratch-path "$scratch" --product orch 2>&1 | tail -2)
orch="$scratch/release/orch"

home="$(mktemp -d /tmp/orch-bench-api.XXXXXX)"
export ORCH_HOME="$home" ORCH_API_TOKEN="bench-token"
pid=""
cleanup() { [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; rm -rf "$home"; }
trap cleanup EXIT

(cd "$repo" && "$orch" dags list >/dev/null)
tasks="$(seq -s, -f 'c%g' 1 20)"
python3 "$here/seed.py" "$home/orch.db" bench_chain_20 "$tasks" "$runs"

port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
base="http://127.0.0.1:$port/api/v1/dags/bench_chain_20"
start_server() {   # $1: ORCH_API_CACHE value (1: reuse answers until the database changes, 0: always query)
  (cd "$repo" && ORCH_API_CACHE="$1" exec "$orch" webserver --port "$port" --threads "${SERVER_THREADS:-4}" > "$home/web.log" 2>&1) &
  pid=$!
  for _ in $(seq 1 100); do
    kill -0 "$pid" 2>/dev/null || break   # exited (port taken?)
    curl -sf "http://127.0.0.1:$port/api/v1/health" >/dev/null 2>&1 && return
    sleep 0.1
  done
  echo "webserver did not start:"; cat "$home/web.log"; exit 1
}
stop_server() { kill -TERM "$pid"; wait "$pid" 2>/dev/null || true; pid=""; }

to_ms() { awk '{ v = $1; if (v ~ /us$/) { sub(/us$/, "", v); v /= 1000 } else if (v ~ /ms$/) { sub(/ms$/, "", v) } else if (v ~ /s$/) { sub(/s$/, "", v); v *= 1000 }; printf "%.2f\n", v }'; }
median() { sort -g | awk '{ a[NR] = $1 } END { print (NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2) }'; }

measure() {   # REPEATS runs of wrk; prints each, then the medians of requests/s and p99
  local name="$1" url="$2" rps_all="" p99_all=""
  wrk -t"$threads" -c"$connections" -d2s "$url" >/dev/null   # warm-up
  for i in $(seq 1 "$repeats"); do
    local out rps p99
    out="$(wrk -t"$threads" -c"$connections" -d"$duration" --latency "$url")"
    rps="$(echo "$out" | awk '/Requests\/sec/ {print $2}')"
    p99="$(echo "$out" | awk '$1 == "99%" {print $2}' | to_ms)"
    echo "$out" | grep -E 'Non-2xx|Socket errors' || true
    echo "  $name run $i: $rps req/s, p99 $p99 ms"
    rps_all+="$rps"$'\n'; p99_all+="$p99"$'\n'
  done
  printf '%-26s %10s req/s   p99 %6s ms   (median of %s; wrk -t%s -c%s -d%s --latency %s)\n' "$name" \
    "$(printf '%s' "$rps_all" | median)" "$(printf '%s' "$p99_all" | median)" "$repeats" "$threads" "$connections" \
    "$duration" "$url" >> "$home/summary"
}

start_server 1
curl -sf "$base/runs?limit=25" | python3 -c 'import json,sys; d=json.load(sys.stdin); print("runs list:", len(d["runs"]), "of", d["total_entries"], "runs")'
curl -sf "$base/grid" | python3 -c 'import json,sys; d=json.load(sys.stdin); print("grid:", len(d["runs"]), "runs x", len(d["task_ids"]), "tasks of", d["total_runs"], "runs")'
measure "runs (cached)" "$base/runs?limit=25"
measure "grid (cached)" "$base/grid?limit=25"
stop_server
start_server 0
measure "runs (no cache)" "$base/runs?limit=25"
measure "grid (no cache)" "$base/grid?limit=25"
measure "runs last page (no cache)" "$base/runs?limit=25&offset=9975"
echo "== medians (server threads ${SERVER_THREADS:-4}, wrk and server share this machine's cores)"
cat "$home/summary"
