import ArgumentParser
import OrchStore

/// How commands name a run: `DAG RUN` (the API's and Airflow's order), or the older `RUN` alone with `--dag`
/// when runs of several DAGs share the id. Run ids are unique per DAG only: scheduled runs of two daily DAGs
/// both get `scheduled__<date>`.
struct RunSelection: ParsableArguments {
    @Option(name: [.customShort("d"), .customLong("dag")],
            help: "The run's DAG, for the RUN-only form; needed when runs of several DAGs have this run id.")
    var dagId: String?

    static let runUsage = "DAG RUN (or RUN with --dag)"
    static let taskUsage = "DAG RUN TASK (or RUN TASK with --dag)"

    /// Splits positional ids into (DAG?, RUN, rest): `trailing` ids (task ids) come last; before them either
    /// `DAG RUN` or `RUN`. Throws a usage error for any other count, or a DAG given twice and differently.
    func address(_ ids: [String], trailing: Int, usage: String) throws -> (dagId: String?, runId: String, rest: [String]) {
        let head = ids.count - trailing
        guard head == 1 || head == 2 else {
            throw ValidationError("expected \(usage), got \(ids.count) argument\(ids.count == 1 ? "" : "s")")
        }
        let rest = Array(ids.suffix(trailing))
        guard head == 2 else { return (dagId, ids[0], rest) }
        if let dagId, dagId != ids[0] {
            throw ValidationError("the DAG is given twice, '\(ids[0])' and --dag '\(dagId)'; give it once")
        }
        return (ids[0], ids[1], rest)
    }

    /// The run named by `runId` in `dagId` (or alone, when unique), or a clear error: none, or several DAGs.
    static func find(dagId: String?, runId: String, in store: SQLiteStateStore) throws -> RunRecord {
        if let dagId {
            guard let run = try store.run(dagId: dagId, runId: runId) else {
                throw CLIError("DAG '\(dagId)' has no run '\(runId)'; `orch runs list \(dagId)` lists its runs")
            }
            return run
        }
        let runs = try store.runs(withRunId: runId)
        guard let run = runs.first else { throw CLIError("no run '\(runId)'; `orch runs list DAG` lists a DAG's runs") }
        guard runs.count == 1 else {
            let dags = runs.map(\.dagId).sorted().joined(separator: ", ")
            throw CLIError("runs of \(runs.count) DAGs have the id '\(runId)' (\(dags)); say which: "
                + "`DAG \(runId)` or --dag DAG")
        }
        return run
    }

    /// The run named by `ids` (`DAG RUN` or `RUN`), for commands that take no task.
    func run(_ ids: [String], in store: SQLiteStateStore) throws -> RunRecord {
        let (dag, runId, _) = try address(ids, trailing: 0, usage: Self.runUsage)
        return try Self.find(dagId: dag, runId: runId, in: store)
    }
}
