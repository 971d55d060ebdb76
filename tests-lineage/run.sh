#!/usr/bin/env bash
# OpenLineage end to end (issue 14): the real orch binary sends run events to a receiver on loopback that is down,
# then up after a restart; each must arrive once, in order, and validate against the official OpenLineage JSON
# schema (vendored in schema/, with its licence). jsonschema (with its format checkers) and pytest come from PyPI
# into tests-lineage/.venv on the first run. About a minute; run by scripts/test.sh.
# ORCH_BIN: the orch binary (default .build/debug/orch).
set -euo pipefail
cd "$(dirname "$0")"
export ORCH_BIN="${ORCH_BIN:-$(cd .. && pwd)/.build/debug/orch}"
[ -x "$ORCH_BIN" ] || { echo "tests-lineage: no orch binary at $ORCH_BIN; build first"; exit 2; }
source ../scripts/lib/bundles.sh
use_repo_bundles "$ORCH_BIN"
if ! .venv/bin/python -c 'import jsonschema, pytest, rfc3339_validator, rfc3986_validator' 2>/dev/null; then
    python3 -m venv .venv
    .venv/bin/pip install -q "jsonschema[format-nongpl]>=4.18" pytest
fi
exec timeout -k 10 600 .venv/bin/python -m pytest -q test_lineage.py "$@"
