"""ORCH_BUNDLES for the benchmark scripts run on their own: this repository's bundle executables built beside the
orch binary (`swift build -c release --product orch-bench-dags` etc.; see scripts/lib/bundles.sh)."""
import os

NAMES = ("orch-dags", "orch-test-dags", "orch-bench-dags")


def bundles_env(orch: str) -> dict:
    """{"ORCH_BUNDLES": …}: $ORCH_BUNDLES when set, else the bundle executables beside `orch`."""
    if os.environ.get("ORCH_BUNDLES"):
        return {"ORCH_BUNDLES": os.environ["ORCH_BUNDLES"]}
    here = os.path.dirname(os.path.abspath(orch))
    return {"ORCH_BUNDLES": ":".join(os.path.join(here, n) for n in NAMES)}
