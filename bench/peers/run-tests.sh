#!/usr/bin/env bash
# Tests of the peer benchmark's harness (bench/peers/test_peers.py): no peer is installed or started; the floor
# binary is built with swiftc (about 20 s); with ORCH_BIN set, the orch binary's peer DAGs are checked too.
set -euo pipefail
cd "$(dirname "$0")"
# The peer DAGs live in the benchmark bundle: point orch at the repository's bundles beside ORCH_BIN (kept if set).
if [ -n "${ORCH_BIN:-}" ]; then source ../../scripts/lib/bundles.sh; use_repo_bundles "$ORCH_BIN"; fi
python3 -m unittest -v test_peers 2>&1
