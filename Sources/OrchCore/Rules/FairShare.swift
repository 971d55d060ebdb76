/// Fairness between runs: a run with nothing running gets one slot before any run gets another, so a small run
/// triggered during a big one starts at the next free slot instead of waiting behind the big one's queue. Within
/// that, runs keep their priority order (oldest logical date first).
public enum FairShare {
    /// The order in which runs may take slots: each idle run for at most one slot, then every run for the rest.
    public static func passes<Run>(_ runs: [Run], isBusy: (Run) -> Bool) -> [(run: Run, atMost: Int)] {
        runs.filter { !isBusy($0) }.map { ($0, 1) } + runs.map { ($0, Int.max) }
    }
}
