#!/usr/bin/env bash
# The fast reliability suite (a few minutes; run by `make test`): task crashes and OOM, source API faults,
# webhook receiver down, log disk full, SQLite held by another process, API fuzzing, ORCH_HOME filling up under
# `orch serve` (issue 11; mounts a tmpfs, so run as root), the API and runtime hardening of issue 11, /metrics parsed by prometheus-client (issue 18), and a 2-kill
# scheduler test.
# Each test is bounded by a timeout; the script exits non-zero when any fails and ends with "N passed, M failed".
# ORCH_BIN: the orch binary (default .build-rel/debug/orch, else .build/debug/orch).
set -uo pipefail
cd "$(dirname "$0")"
if [ -z "${ORCH_BIN:-}" ]; then
    for b in ../.build-rel/debug/orch ../.build/debug/orch; do [ -x "$b" ] && ORCH_BIN="$(cd "$(dirname "$b")" && pwd)/orch" && break; done
fi
export ORCH_BIN
[ -x "${ORCH_BIN:-}" ] || { echo "run-fast: no orch binary; build it first (swift build --product orch)"; exit 2; }
source ../scripts/lib/bundles.sh
use_repo_bundles "$ORCH_BIN"
bash ../scripts/pg-up.sh >/dev/null
mkdir -p results
passed=0; failed=0; names=()
run() {   # run NAME TIMEOUT_SECONDS ARGS...
    local name="$1" limit="$2"; shift 2
    echo "== ${name} $*"
    if timeout -k 10 "${limit}" python3 "${name}.py" "$@" 2>&1 | tee "results/${name}.fast.txt"; then
        if grep -q "^PASS " "results/${name}.fast.txt"; then passed=$((passed + 1)); return; fi
    fi
    failed=$((failed + 1)); names+=("${name}")
    grep -q "^FAIL " "results/${name}.fast.txt" || echo "FAIL ${name}: no result within ${limit} s"
}
run t02_task_crash 180
run t04_source_faults 300
run t05_webhook_down 240
run t06_log_disk_full 180
run t07_sqlite_held 300
run t08_api_fuzz 400 --examples 10
run t11_disk_full_serve 180
run t12_api_hardening 120
run t13_metrics 300
run t14_runtime_hardening 240
run t01_scheduler_kill 600 --kills 2 --runs 1
echo "reliability (fast): ${passed} passed, ${failed} failed${names:+ (${names[*]})}"
[ "${failed}" -eq 0 ]
