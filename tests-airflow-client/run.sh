#!/usr/bin/env bash
# Airflow's official clients against a real `orch serve` (issue 18): apache-airflow-client and airflowctl from
# PyPI in a virtual environment (tests-airflow-client/.venv, created on first run; nothing else is downloaded),
# then schemathesis on the /api/v2 document. A few minutes; run by scripts/test.sh.
# ORCH_BIN: the orch binary (default .build/debug/orch).
set -euo pipefail
cd "$(dirname "$0")"
export ORCH_BIN="${ORCH_BIN:-$(cd .. && pwd)/.build/debug/orch}"
[ -x "$ORCH_BIN" ] || { echo "tests-airflow-client: no orch binary at $ORCH_BIN; build first"; exit 2; }
source ../scripts/lib/bundles.sh
use_repo_bundles "$ORCH_BIN"
if [ ! -x .venv/bin/schemathesis ] || [ ! -x .venv/bin/airflowctl ]; then
    python3 -m venv .venv
    .venv/bin/pip install -q "apache-airflow-client==3.3.2" "apache-airflow-ctl==0.1.5" schemathesis
fi
status=0
timeout -k 10 300 .venv/bin/python client_test.py || status=1
timeout -k 10 300 .venv/bin/python fuzz_v2.py --examples "${ORCH_FUZZ_EXAMPLES:-10}" || status=1
exit $status
