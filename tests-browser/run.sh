#!/usr/bin/env bash
# Browser tests of the orch dashboard in headless Chromium (selenium), against a real `orch serve`.
# Installs what is missing (chromium, chromium-driver, python3-venv via apt; selenium + pytest via pip into
# tests-browser/.venv), builds orch, runs real DAGs into a temp ORCH_HOME, serves it, runs the tests.
# Exit status is pytest's. Screenshots land in tests-browser/screenshots/.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/.." && pwd)"
scratch="${ORCH_SCRATCH:-$repo/.build-api}"

need_apt=()
command -v chromium >/dev/null || need_apt+=(chromium)
command -v chromedriver >/dev/null || need_apt+=(chromium-driver)
python3 -c 'import venv, ensurepip' 2>/dev/null || need_apt+=(python3-venv)
if ((${#need_apt[@]})); then
  sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq && $sudo_cmd apt-get install -y -qq "${need_apt[@]}"
fi
if [ ! -x "$here/.venv/bin/python" ]; then python3 -m venv "$here/.venv"; fi
"$here/.venv/bin/python" -c 'import selenium, pytest' 2>/dev/null || "$here/.venv/bin/pip" install -q selenium pytest

if [ -n "${ORCH_BIN:-}" ] && [ -x "$ORCH_BIN" ]; then
  orch="$ORCH_BIN"   # scripts/test.sh has built it already
else
  echo "building orch ($scratch)"
  (cd "$repo" && swift build --scratch-path "$scratch" --product orch 2>&1 | tail -3)
  (cd "$repo" && source scripts/lib/bundles.sh && build_repo_bundles --scratch-path "$scratch" 2>&1 | tail -3)
  orch="$scratch/debug/orch"
fi
source "$repo/scripts/lib/bundles.sh"
use_repo_bundles "$orch"

home="$(mktemp -d /tmp/orch-browser.XXXXXX)"
export ORCH_HOME="$home"
export ORCH_API_TOKEN="browser-test-token-$$"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
server_pid=""
source_pid=""
warehouse_db=""
cleanup() {
  if [ -n "$server_pid" ]; then kill -TERM "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  if [ -n "$source_pid" ]; then kill -TERM "$source_pid" 2>/dev/null || true; wait "$source_pid" 2>/dev/null || true; fi
  if [ -n "$warehouse_db" ]; then psql "$admin_pg" -qc "DROP DATABASE IF EXISTS $warehouse_db WITH (FORCE)" || true; fi
  rm -rf "$home"
}
trap cleanup EXIT

echo "running real DAGs into $home"
(cd "$repo" && timeout 120 "$orch" run example_fanout --quiet) || { echo "orch run example_fanout failed or hung"; exit 1; }
# example_trigger_rules has a task that fails on purpose (failed, skipped and upstream_failed states to show).
(cd "$repo" && timeout 120 "$orch" run example_trigger_rules --quiet) || [ $? -ne 124 ] || { echo "orch run hung"; exit 1; }
# example_xcom pushes an XCom (the task page shows it); test_operations.py triggers more of it.
(cd "$repo" && timeout 120 "$orch" run example_xcom --quiet --logical-date 2026-11-01) || { echo "orch run example_xcom failed"; exit 1; }

# Insights (test_insights.py): the demo run — shopstream_daily for yesterday on the bundled snapshot, served on
# loopback — into a scratch warehouse database named by the `warehouse` connection; queries time out at 1.5 s.
admin_pg="${ORCH_TEST_PG:-postgresql://orch:orch@127.0.0.1:5432/orch_test}"
warehouse_db="orch_browser_wh_$$"
psql "$admin_pg" -qc "CREATE DATABASE $warehouse_db"
export ORCH_CONN_WAREHOUSE="${admin_pg%/*}/$warehouse_db"
export ORCH_INSIGHTS_TIMEOUT_MS=1500
source_port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
(cd "$repo" && exec "$orch" shopstream serve-source --port "$source_port" > "$home/source.log" 2>&1) &
source_pid=$!
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$source_port/users?limit=1" >/dev/null 2>&1 && break; sleep 0.1; done
(cd "$repo" && SHOPSTREAM_SOURCE_URL="http://127.0.0.1:$source_port" timeout 300 "$orch" run shopstream_daily \
  --logical-date "$(date -u -d yesterday +%F)" --conf '{"clickstream_events": 5000}' --quiet) \
  || { echo "orch run shopstream_daily failed"; exit 1; }
# The scheduler would run yesterday again with the default 20,000 events while the tests read it: paused.
(cd "$repo" && "$orch" dags pause shopstream_daily >/dev/null)
# example_fanout has a schedule, so it starts paused (a fresh install runs nothing unasked); the tests trigger and
# clear it under the scheduler, so it is unpaused here.
(cd "$repo" && "$orch" dags unpause example_fanout >/dev/null)

(cd "$repo" && exec "$orch" serve --port "$port" --slots 2 > "$home/serve.log" 2>&1) &
server_pid=$!
for _ in $(seq 1 100); do
  curl -sf "http://127.0.0.1:$port/api/v1/health" >/dev/null 2>&1 && break
  sleep 0.1
done

mkdir -p "$here/screenshots"
status=0
# test_deadline_alerts.py starts its own `orch serve` (ORCH_BIN) with a webhook, in its own ORCH_HOME.
set +e
ORCH_URL="http://127.0.0.1:$port" ORCH_BIN="$orch" "$here/.venv/bin/python" -m pytest -q -rfE "$here/test_dashboard.py" \
  "$here/test_operations.py" "$here/test_deadline_alerts.py" "$here/test_insights.py" "$here/test_import_errors.py" \
  "$here/test_waiting.py" "$here/test_bulk_actions.py" "$@" 2>&1 | tee "$home/pytest.log"
status="${PIPESTATUS[0]}"
set -e
if [ "$status" -ne 0 ]; then
  echo "--- orch serve log (last 40 lines)"; tail -40 "$home/serve.log"
  # Last, so that a CI log's tail names what failed.
  echo "--- failed browser tests"; grep -E "^(FAILED|ERROR) " "$home/pytest.log" || tail -20 "$home/pytest.log"
fi
exit "$status"
