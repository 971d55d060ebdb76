import ArgumentParser
import OrchStore

/// `--dag` for commands that name a run: run ids are unique per DAG only (two DAGs run manually for the same
/// logical date share `manual__<date>`), as in Airflow, whose CLI takes the DAG id with the run id.
struct RunSelection: ParsableArguments {
    @Option(name: [.customShort("d"), .customLong("dag")],
            help: "The run's DAG; needed when runs of several DAGs have this run id.")
    var dagId: String?

    /// The run named by `runId` (and `--dag`), or a clear error: none, or several DAGs with no `--dag` to choose.
    func find(_ runId: String, in store: SQLiteStateStore) throws -> RunRecord {
        if let dagId {
            guard let run = try store.run(dagId: dagId, runId: runId) else {
                throw ValidationError("DAG '\(dagId)' has no run '\(runId)'; `orch runs list \(dagId)` lists its runs")
            }
            return run
        }
        let runs = try store.runs(withRunId: runId)
        guard let run = runs.first else { throw ValidationError("no run '\(runId)'") }
        guard runs.count == 1 else {
            let dags = runs.map(\.dagId).sorted().joined(separator: ", ")
            throw ValidationError("runs of \(runs.count) DAGs have the id '\(runId)' (\(dags)); say which with --dag")
        }
        return run
    }
}
