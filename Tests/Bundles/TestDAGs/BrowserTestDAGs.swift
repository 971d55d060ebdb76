import Foundation
import OrchCore

/// For `tests-browser/test_deadline_alerts.py` (issue 16, item 10): a manual-only DAG whose runs must finish within
/// 1 minute after their data interval ends (for a DAG without a schedule, the logical date). Its one task waits until
/// the file `$ORCH_HOME/browser-deadline-release` exists (at most 90 s), so the test decides how long a run stays
/// unfinished: a run triggered with a logical date 50 s ago misses its deadline 10 s into the run and alerts; a run
/// of a date long past could never have met it and does not.
let browserDeadline = DAG("browser_deadline", description: "Browser test: deadline alerts only for runs that could meet them",
                          tags: ["test"], alerts: AlertRules(runDeadlineMinutes: 1)) { d in
    d.shell("wait_for_release", """
        for i in $(seq 1 900); do
            if [ -e "$ORCH_HOME/browser-deadline-release" ]; then echo "released after $((i / 10)) s"; exit 0; fi
            sleep 0.1
        done
        echo "not released within 90 s"; exit 1
        """, retries: 0, timeout: 120)
}
