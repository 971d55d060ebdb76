#!/usr/bin/env bash
# Runs every orch benchmark and prints one table (figure, measured, target); with --airflow also the side-by-side
# with Apache Airflow 3 on the same DAG shapes, orch and Airflow runs interleaved. Tables also go to bench/out/results.md.
#
#   bash bench/run-all.sh [--airflow] [--repeats N] [--skip-api] [--skip-shopstream] [--skip-insights]
#
# --repeats N   runs per figure (default 3): core benchmarks and each side-by-side scenario.
# Env: ORCH_SCRATCH (default .build: `swift build -c release --product orch`), SHOPSTREAM_BENCH_EVENTS (1000000),
#      SCHED_TRIGGERS (20), IDLE_SECONDS (30), DURATION (wrk, 10s), BENCH_STEP_TIMEOUT (seconds per step, 1800).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
out="$here/out"
airflow=0; repeats=3; skip_api=0; skip_shop=0; skip_insights=0
while [ $# -gt 0 ]; do
    case "$1" in
        --airflow) airflow=1 ;;
        --repeats) repeats="${2:?--repeats needs a number}"; shift ;;
        --skip-api) skip_api=1 ;;
        --skip-shopstream) skip_shop=1 ;;
        --skip-insights) skip_insights=1 ;;
        -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
        *) echo "run-all: unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
    shift
done
[[ "$repeats" =~ ^[1-9][0-9]*$ ]] || { echo "run-all: --repeats must be a positive integer, got '$repeats'" >&2; exit 2; }
step_timeout="${BENCH_STEP_TIMEOUT:-1800}"

log() { echo "run-all [$(date +%H:%M:%S)]: $*" >&2; }

airflow_started=0
cleanup() {
    if [ "$airflow_started" = 1 ]; then
        log "stopping Airflow"
        python3 "$here/airflow/run.py" stop >&2 || true
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

scratch="${ORCH_SCRATCH:-$repo/.build}"
source "$repo/scripts/lib/bundles.sh"   # ORCH_RELEASE, build_repo_bundles, use_repo_bundles
log "building orch and the bundles (swift build \${ORCH_RELEASE[@]} of scripts/lib/bundles.sh, scratch $scratch)"
(cd "$repo" && swift build "${ORCH_RELEASE[@]}" --scratch-path "$scratch" --product orch 2>&1 | tail -3 >&2)
(cd "$repo" && build_repo_bundles "${ORCH_RELEASE[@]}" --scratch-path "$scratch" 2>&1 | tail -3 >&2)
orch="$scratch/release/orch"
[ -x "$orch" ] || { echo "run-all: no orch binary at $orch after the build" >&2; exit 1; }
use_repo_bundles "$orch"   # every benchmark below loads the dags/, test and benchmark bundles built beside it

log "starting PostgreSQL (scripts/pg-up.sh)"
bash "$repo/scripts/pg-up.sh" >/dev/null

rm -rf "$out"; mkdir -p "$out/vs" "$out/logs"
{
    echo "$(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')), $(free -g | awk '/^Mem:/ {print $2}') GB RAM, $(uname -sr),"
    echo "$(/usr/lib/postgresql/*/bin/postgres --version 2>/dev/null | head -1), $(swift --version 2>&1 | head -1 | sed 's/ (.*//'), measured $(date -u +%Y-%m-%dT%H:%MZ)"
} | tr '\n' ' ' > "$out/machine.txt"

# step NAME OUTFILE CMD...: runs one benchmark, bounded in time; a failure is logged and the table says "not measured".
step() {
    local name="$1" file="$2"; shift 2
    log "$name"
    if ! timeout --kill-after=30 "$step_timeout" "$@" > "$file" 2> "$out/logs/$name.log"; then
        log "$name FAILED (log: bench/out/logs/$name.log); its figures will read 'not measured'"
        tail -5 "$out/logs/$name.log" >&2 || true
        return 0
    fi
}

if [ "$airflow" = 1 ]; then
    log "setting up Airflow (bench/airflow/setup.sh, idempotent)"
    bash "$here/airflow/setup.sh" > "$out/logs/airflow-setup.log" 2>&1 \
        || { echo "run-all: Airflow setup failed, see bench/out/logs/airflow-setup.log" >&2; exit 1; }
    python3 "$here/airflow/run.py" stop >/dev/null 2>&1 || true   # a system left over by an interrupted run
    log "starting Airflow (api-server, scheduler, dag-processor) and one warm-up run"
    airflow_started=1
    python3 "$here/airflow/run.py" start > "$out/vs/airflow-start.json" 2> "$out/logs/airflow-start.log" \
        || { tail -20 "$out/logs/airflow-start.log" >&2; exit 1; }
    # Interleaved: for each scenario and repeat, one orch run then one Airflow run, so drifting load hits both.
    for scenario in trigger chain fanout; do
        for i in $(seq 1 "$repeats"); do
            log "side-by-side $scenario $i/$repeats: orch"
            timeout --kill-after=30 "$step_timeout" python3 "$here/orch_scenarios.py" --orch "$orch" \
                --scenario "$scenario" --repeats 1 --json >> "$out/vs/orch.jsonl" 2>> "$out/logs/vs-orch.log" \
                || log "orch $scenario run $i failed (bench/out/logs/vs-orch.log)"
            log "side-by-side $scenario $i/$repeats: Airflow"
            timeout --kill-after=30 "$step_timeout" python3 "$here/airflow/run.py" run --scenario "$scenario" \
                --repeats 1 --json >> "$out/vs/airflow.jsonl" 2>> "$out/logs/vs-airflow.log" \
                || log "Airflow $scenario run $i failed (bench/out/logs/vs-airflow.log)"
        done
    done
    log "stopping Airflow"
    python3 "$here/airflow/run.py" stop >&2 && airflow_started=0
fi

step core "$out/core.json" python3 "$here/core_bench.py" --orch "$orch" --repeats "$repeats" --json
step scheduler "$out/scheduler.json" python3 "$here/scheduler_bench.py" --orch "$orch" \
    --triggers "${SCHED_TRIGGERS:-20}" --idle-seconds "${IDLE_SECONDS:-30}" --json
step scenarios "$out/scenarios.json" python3 "$here/scheduler_scenarios.py" --orch "$orch" --repeats "$repeats" --json
if [ "$skip_api" = 0 ]; then
    step api "$out/api.txt" env ORCH_RELEASE_SCRATCH="$scratch" bash "$here/api/run.sh"
fi
if [ "$skip_shop" = 0 ]; then
    step shopstream "$out/shopstream.json" env ORCH_BIN="$orch" bash "$here/shopstream_bench.sh"
fi

if [ "$skip_insights" = 0 ]; then
    step insights "$out/insights.md" bash "$here/insights/run.sh" "$orch"
fi

python3 "$here/tables.py" "$out" | tee "$out/results.md"
if [ -s "$out/insights.md" ]; then
    { echo; echo "Insights dashboard, a year at 1,000,000 events a day (bench/insights/run.sh; p50 / p95 ms, server side):"
      echo; cat "$out/insights.md"; } | tee -a "$out/results.md"
fi
log "tables written to bench/out/results.md; raw results and logs in bench/out/"
