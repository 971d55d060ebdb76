import ArgumentParser
import Foundation
import OrchCore
import OrchRuntime
import OrchStore

struct TriggerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trigger",
        abstract: "Queue a manual run of a DAG for the scheduler.",
        discussion: "With --wait, follow the run to its end, print each task's outcome and exit 1 if it failed.")

    @Argument(help: "DAG id") var dagId: String
    @Option(help: "Run configuration as a JSON object (or @FILE to read it from a file), merged over the DAG's params.") var conf: String?
    @Option(name: .customLong("logical-date"), help: "Logical date (YYYY-MM-DD or ISO 8601): runs the schedule interval containing it; default now, which runs the last complete interval.") var logicalDate: String?
    @Option(name: .customLong("run-id"), help: "Run id; default manual__<logical date>.") var runId: String?
    @Flag(help: "Wait for the run to finish and print task outcomes.") var wait = false

    func run() async throws {
        let ctx = try CLIContext()
        // Only this DAG is loaded and synced (the scheduler syncs every DAG): with hundreds of DAGs, decoding all
        // of them was most of a trigger's time.
        let (dag, loaded) = try ctx.dagAlone(dagId)
        let confValue = try parseConf(conf)
        let given = try logicalDate.map(parseDate), now = Date()
        let store = try ctx.syncedStore(loaded.bag, loaded: loaded)
        let run = try RunFactory.create(store: store, dag: dag, type: .manual,
                                        interval: RunFactory.manualInterval(for: dag, logicalDate: given, triggeredAt: now),
                                        logicalDate: given ?? now, conf: confValue, owner: nil, now: now, runId: runId)
        try ctx.audit(store, "run.trigger", ["dag_id": dag.id, "run_id": run.runId])
        WakeSocket.notify(ctx.home.wakeSocketPath)
        print("queued run \(run.runId) of \(dag.id) (logical date \(isoString(run.logicalDate)), data interval \(isoString(run.dataInterval.start)) to \(isoString(run.dataInterval.end)))")
        fflush(nil)
        if !schedulerIsRunning(store) {
            printError("note: no scheduler is running on \((try? ctx.home.stateLocation())?.description ?? ctx.home.databasePath); start one with `orch scheduler` (or `orch serve`), or use `orch run \(dag.id)` to run in the foreground")
        }
        if store.dagIsPaused(dag.id) {
            printError("note: DAG \(dag.id) is paused; the run stays queued until `orch dags unpause \(dag.id)`")
        }
        guard wait else { return }
        let state = try await followRun(store: store, pk: run.pk)
        printOutcomes(store: store, pk: run.pk)
        print("run \(run.runId): \(state.rawValue)")
        if state != .success { throw ExitCode(1) }
    }
}

/// True when a scheduler holds the lease and heartbeated recently.
func schedulerIsRunning(_ store: SQLiteStateStore) -> Bool {
    guard let lease = try? store.lease() else { return false }
    return store.isFresh(lease)
}

extension SQLiteStateStore {
    func dagIsPaused(_ dagId: String) -> Bool { (try? dag(dagId))??.isPaused ?? false }
}

/// Polls the run until it finishes, printing task state changes as they happen.
func followRun(store: SQLiteStateStore, pk: Int64) async throws -> RunState {
    var seen: [String: TaskState] = [:]
    var warned = false
    let started = Date()
    while true {
        for ti in try store.taskInstances(runPk: pk).sorted(by: { ($0.startDate ?? .distantFuture) < ($1.startDate ?? .distantFuture) })
        where seen[ti.taskId] != ti.state && ti.state != .none && ti.state != .scheduled {
            seen[ti.taskId] = ti.state
            print("  \(ti.taskId): \(ti.state.rawValue)\(ti.tryNumber > 1 ? " (try \(ti.tryNumber))" : "")")
        }
        guard let run = try store.run(pk: pk) else { throw CLIError("run \(pk) disappeared from the state database while followed (deleted?)") }
        if run.state.isFinished { return run.state }
        if !warned, Date().timeIntervalSince(started) > 5, !schedulerIsRunning(store) {
            printError("still waiting: no scheduler is running; start `orch scheduler` in another terminal")
            warned = true
        }
        try await Task.sleep(nanoseconds: 100_000_000)
    }
}
