#!/usr/bin/env bash
# Runs every test: Swift unit and integration tests (real SQLite, PostgreSQL, HTTP on loopback, child
# processes), end-to-end CLI tests of the built binary, and the dashboard in headless Chromium.
# Installs what is missing and starts a local PostgreSQL first. Non-interactive; safe to re-run.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh --browser
bash scripts/pg-up.sh >/dev/null
export ORCH_TEST_PG="${ORCH_TEST_PG:-postgresql://orch:orch@127.0.0.1:5432/orch_test}"

echo "== build (debug, with tests)"
swift build --build-tests 2>&1 | grep -vE "^\[[0-9]+/[0-9]+\]" || true
swift build --build-tests >/dev/null   # fails the script if the build failed
export ORCH_BIN="$PWD/.build/debug/orch"
source scripts/lib/bundles.sh
use_repo_bundles "$ORCH_BIN"   # the dags/, test and benchmark bundles built beside it

# One test target per process: a target whose tests block threads (the CLI tests wait on child processes)
# cannot starve another's timing-sensitive loops (the alert dispatcher's retries) on a 2-core machine.
# The runtime tests run one at a time for the same reason.
failed=()
log_dir="$(mktemp -d /tmp/orch-test-logs.XXXXXX)"
for target in OrchCoreTests OrchSQLiteTests OrchStoreTests OrchHTTPTests OrchPostgresTests OrchRuntimeTests \
              OrchAPITests ShopStreamTests InsightsTests OrchCLITests; do
    echo "== swift test: $target"
    extra=()
    [ "$target" = OrchRuntimeTests ] && extra=(--no-parallel)
    set +e
    swift test --skip-build "${extra[@]}" --filter "$target" 2>&1 | tee "$log_dir/$target.log"
    [ "${PIPESTATUS[0]}" -eq 0 ] || failed+=("$target")
    set -e
done
# The API suite once more with its state in PostgreSQL (a fresh schema of ORCH_TEST_PG per test); the store and
# engine suites run both databases in every run already (docs/state-store.md).
echo "== swift test: OrchAPITests on the PostgreSQL state backend"
set +e
ORCH_TEST_STATE_BACKEND=postgres swift test --skip-build --filter OrchAPITests 2>&1 | tee "$log_dir/OrchAPITests-postgres.log"
[ "${PIPESTATUS[0]}" -eq 0 ] || failed+=("OrchAPITests(postgres)")
set -e
if [ ${#failed[@]} -gt 0 ]; then
    # Last, so that the tail of a CI log names the failing tests and their first issues.
    echo "--- issues recorded by failing tests"
    grep -h -E "^✘ Test .* recorded an issue" "$log_dir"/*.log | cut -c1-400 | head -30
    echo "FAILED test targets: ${failed[*]}"
    exit 1
fi
rm -rf "$log_dir"

if [ -x tests-browser/run.sh ]; then
    echo "== dashboard in headless Chromium"
    bash tests-browser/run.sh
fi
if [ -x tests-browser/run-assets.sh ]; then
    echo "== Assets pages on a demo warehouse in headless Chromium"
    bash tests-browser/run-assets.sh
fi
if [ -x tests-airflow-client/run.sh ]; then
    echo "== Airflow clients (apache-airflow-client, airflowctl) and schemathesis on /api/v2"
    bash tests-airflow-client/run.sh
fi
if [ -x tests-lineage/run.sh ]; then
    echo "== OpenLineage events: real receiver through a restart, official JSON schema (jsonschema)"
    bash tests-lineage/run.sh
fi
if [ -x tests-reliability/run-fast.sh ]; then
    echo "== reliability (fast suite)"
    bash tests-reliability/run-fast.sh
fi
if [ -x bench/peers/run-tests.sh ]; then
    echo "== peer benchmark harness (bench/peers: shapes, report, floors; the orch binary's peer DAGs)"
    bash bench/peers/run-tests.sh
fi
