import ArgumentParser
import Foundation
import OrchCore
import OrchRuntime
import OrchStore

struct BackfillCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backfill",
        abstract: "Create one run per schedule interval whose logical date is in [--from, --to] (run type backfill).",
        discussion: "Intervals that already have a backfill run are skipped, unless --rerun-failed clears the failed ones. A range starting before the DAG's start date is clamped to it (with a warning); more than \(BackfillPlan.confirmationLimit) runs need --yes. When no scheduler is running, the runs are executed here in the foreground; either way max_active_runs is respected. At the end, one line per run with its state and a summary.")

    @Argument(help: "DAG id") var dagId: String
    @Option(help: "First logical date (inclusive).") var from: String
    @Option(help: "Last logical date (inclusive).") var to: String
    @Flag(name: .customLong("rerun-failed"), help: "Clear and re-run failed backfill runs in the range.") var rerunFailed = false
    @Option(help: "Run configuration as a JSON object.") var conf: String?
    @Flag(help: "Create the runs even when there are more than \(BackfillPlan.confirmationLimit).") var yes = false

    func run() async throws {
        let ctx = try CLIContext()
        let bag = try ctx.bag()
        let dag = try ctx.dag(dagId)
        guard let timetable = RunCreator.timetable(for: dag) else {
            throw ValidationError("DAG '\(dagId)' has no schedule, so it has no intervals to backfill; use `orch trigger --logical-date`")
        }
        let plan: BackfillPlan
        do {
            plan = try BackfillPlan.make(timetable: timetable, from: try parseDate(from), to: try parseDate(to), confirmed: yes)
        } catch let refusal as BackfillRefusal { throw ValidationError(refusal.description) }
        for warning in plan.warnings { printError("warning: \(warning)") }
        let store = try ctx.syncedStore(bag)
        let confValue = try parseConf(conf)
        var pks: [Int64] = []
        var runIds: [Int64: String] = [:]
        for interval in plan.intervals {
            let existing = try store.runs(RunQuery(dagId: dag.id, runTypes: [.backfill], logicalFrom: interval.start,
                                                   logicalTo: interval.start, limit: 1)).first
            if let existing {
                if rerunFailed && existing.state == .failed {
                    let failed = try store.taskInstances(runPk: existing.pk)
                        .filter { $0.state.isFailure }.map(\.taskId)
                    try store.clearTasks(runPk: existing.pk, taskIds: failed, now: Date())
                    pks.append(existing.pk)
                    runIds[existing.pk] = existing.runId
                    print("re-running \(existing.runId) (\(failed.count) failed task(s) cleared)")
                } else {
                    print("skipping \(existing.runId): already \(existing.state.rawValue)")
                }
                continue
            }
            let run = try RunFactory.create(store: store, dag: dag, type: .backfill, interval: interval,
                                            conf: confValue, owner: nil, now: Date())
            pks.append(run.pk)
            runIds[run.pk] = run.runId
            print("queued \(run.runId)")
        }
        guard !pks.isEmpty else { print("nothing to backfill"); return }
        try ctx.audit(store, "dag.backfill", ["dag_id": dag.id, "runs": String(pks.count),
                                              "first_run_id": runIds[pks[0]] ?? "", "last_run_id": runIds[pks[pks.count - 1]] ?? ""])
        var states: [Int64: RunState] = [:]
        if schedulerIsRunning(store) {
            WakeSocket.notify(ctx.home.wakeSocketPath)
            print("the scheduler runs them; waiting")
            for pk in pks { states[pk] = try await followRun(store: store, pk: pk) }
        } else {
            let owner = "foreground:\(getpid())"
            let workers = ForegroundWorkers(ctx: ctx, bag: bag, store: store, slots: Settings.load(ctx.home).slots,
                                            dagIds: [dag.id])
            states = try await runInForeground(ctx: ctx, bag: bag, store: store, pks: Set(pks), owner: owner,
                                               workers: workers)
        }
        for pk in pks {
            print("\(runIds[pk] ?? String(pk))  \(states[pk]?.rawValue ?? "unknown")")
        }
        let failed = states.values.filter { $0 != .success }.count
        print("backfill of \(pks.count) run(s): \(pks.count - failed) success, \(failed) failed")
        if failed > 0 { throw ExitCode(1) }
    }
}
