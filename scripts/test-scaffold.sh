#!/usr/bin/env bash
# `orch init`'s scaffolded bundle, built as a user would build it (its own SwiftPM package depending on orch) and
# run under a real scheduler (Tests/OrchCLITests/CLIInitScaffoldTests.swift). Kept out of `make test`: the first
# build of the scaffold's dependencies takes about 18 minutes on 2 cores (later runs reuse
# .build/scaffold-test/teamdags/.build).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
swift build --build-tests >/dev/null
export ORCH_BIN="$PWD/.build/debug/orch"
source scripts/lib/bundles.sh
use_repo_bundles "$ORCH_BIN"
ORCH_SCAFFOLD_TESTS=1 swift test --skip-build --filter CLIInitScaffoldTests
