#!/usr/bin/env bash
# The long reliability suite: the scheduler SIGKILLed 10 times during shopstream_daily, PostgreSQL restarted
# during load_bronze, 50 API clients during 1,000-task runs, a year of daily runs under the retention policy,
# and the slow-source timeout. Ends with "N passed, M failed"; exits non-zero when any fails.
set -uo pipefail
cd "$(dirname "$0")"
if [ -z "${ORCH_BIN:-}" ]; then
    for b in ../.build-rel/debug/orch ../.build/debug/orch; do [ -x "$b" ] && ORCH_BIN="$(cd "$(dirname "$b")" && pwd)/orch" && break; done
fi
export ORCH_BIN
[ -x "${ORCH_BIN:-}" ] || { echo "run-soak: no orch binary; build it first (swift build --product orch)"; exit 2; }
source ../scripts/lib/bundles.sh
use_repo_bundles "$ORCH_BIN"
bash ../scripts/pg-up.sh >/dev/null
mkdir -p results
passed=0; failed=0; names=()
run() {
    local name="$1" limit="$2"; shift 2
    echo "== ${name} $*"
    if timeout -k 10 "${limit}" python3 "${name}.py" "$@" 2>&1 | tee "results/${name}.soak.txt"; then
        if grep -q "^PASS " "results/${name}.soak.txt"; then passed=$((passed + 1)); return; fi
    fi
    failed=$((failed + 1)); names+=("${name}")
    grep -q "^FAIL " "results/${name}.soak.txt" || echo "FAIL ${name}: no result within ${limit} s"
}
run t01_scheduler_kill 2400 --kills 10 --runs 5
run t03_pg_restart 1200
run t09_api_load 1800 --clients 50 --samples 3
run t09_api_load 1800 --clients 50 --samples 3 --split
run t10_retention_soak 1800 --weeks 52
run t04_source_faults 600 --slow
echo "reliability (soak): ${passed} passed, ${failed} failed${names:+ (${names[*]})}"
[ "${failed}" -eq 0 ]
