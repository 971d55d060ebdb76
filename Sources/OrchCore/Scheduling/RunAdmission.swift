/// Which queued runs may start, honouring each DAG's max_active_runs. Pure.
public enum RunAdmission {
    /// `queued` in priority order (oldest logical date first); `running` counts active runs per DAG.
    public static func admit<Run>(queued: [Run], dagOf: (Run) -> String, running: [String: Int],
                                  maxActiveRuns: (String) -> Int) -> [Run] {
        var counts = running
        var admitted: [Run] = []
        for run in queued {
            let dag = dagOf(run)
            let n = counts[dag, default: 0]
            if n < maxActiveRuns(dag) {
                admitted.append(run)
                counts[dag] = n + 1
            }
        }
        return admitted
    }
}
