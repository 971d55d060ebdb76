# This repository's DAG bundles as executables built beside `orch` (products orch-dags, orch-test-dags,
# orch-bench-dags of the root package: one build, no second copy of the dependencies), and how scripts point
# orch at them. Source it, then:
#   build_repo_bundles [swift build options…]   builds each bundle product with the same options as orch
#                                               (release: build_repo_bundles "${ORCH_RELEASE[@]}")
#   use_repo_bundles /path/to/orch              exports ORCH_BUNDLES (unless set) to the executables beside it
ORCH_REPO_BUNDLES=(orch-dags orch-test-dags orch-bench-dags)
# A release build of orch and of every bundle: the Swift runtime and Foundation linked into each executable, as
# orch builds a bundle folder (BundleBuilder.buildArguments; ORCH_BUNDLE_STATIC_STDLIB=0 builds them dynamic): a
# process attempt forks a smaller process and a helper or CLI command starts without loading 14 shared libraries
# (docs/performance.md, "The Swift runtime linked into the executables"). Debug builds (the tests) stay dynamic.
ORCH_RELEASE=(-c release --static-swift-stdlib)
if [ "${ORCH_BUNDLE_STATIC_STDLIB:-1}" = 0 ]; then ORCH_RELEASE=(-c release); fi

build_repo_bundles() {
    local p
    for p in "${ORCH_REPO_BUNDLES[@]}"; do swift build "$@" --product "$p"; done
}

use_repo_bundles() {
    local dir p list=()
    dir="$(cd "$(dirname "$1")" && pwd)"
    for p in "${ORCH_REPO_BUNDLES[@]}"; do list+=("$dir/$p"); done
    export ORCH_BUNDLES="${ORCH_BUNDLES:-$(IFS=:; echo "${list[*]}")}"
}
