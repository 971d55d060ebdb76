import ArgumentParser
import Foundation
import OrchCore
import OrchStore

/// "Why is it waiting", asked of the store as it is now: the engine's rules are applied to the state the scheduler
/// would see (with this machine's worker slot setting).
struct WaitingLookup {
    let reasons: WaitingReasons

    init(_ ctx: CLIContext, store: SQLiteStateStore) throws {
        reasons = try WaitingReasons(dags: try ctx.bag().dags, store: store, workerSlots: Settings.load(ctx.home).slots,
                                     schedulerAlive: schedulerIsRunning(store), now: Date())
    }

    /// One line about a task instance: why it waits, or the state it is in.
    func line(_ ti: TaskInstanceRecord) -> String {
        if let reason = reasons.task(runPk: ti.runPk, taskId: ti.taskId) { return "waiting: \(reason)" }
        if ti.state.isActive { return "\(ti.state.rawValue) (try \(ti.tryNumber)): nothing to wait for" }
        return "\(ti.state.rawValue): finished, nothing to wait for"
    }
}

extension TasksCommand {
    struct Why: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Say why a task instance is not running: upstream, pool, slots, max_active_tasks, retry delay, pause, no scheduler.",
            discussion: "Worker slots are this machine's setting (orch.json workerSlots, default the number of cores).")
        @Argument(help: "DAG RUN TASK (the DAG id, run id and task id), or RUN TASK (with --dag when needed).")
        var ids: [String] = []
        @OptionGroup var selection: RunSelection

        func validate() throws { _ = try selection.address(ids, trailing: 1, usage: RunSelection.taskUsage) }

        func run() throws {
            let ctx = try CLIContext()
            let store = try ctx.store()
            let (dagId, runId, rest) = try selection.address(ids, trailing: 1, usage: RunSelection.taskUsage)
            let run = try RunSelection.find(dagId: dagId, runId: runId, in: store)
            let instances = try store.taskInstances(runPk: run.pk)
            guard let ti = instances.first(where: { $0.taskId == rest[0] }) else {
                throw CLIError("run '\(run.runId)' of DAG '\(run.dagId)' has no task '\(rest[0])'; its tasks: "
                    + instances.map(\.taskId).sorted().joined(separator: ", "))
            }
            print("\(ti.taskId): \(try WaitingLookup(ctx, store: store).line(ti))")
        }
    }
}

extension RunsCommand {
    struct Why: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Say why a run is queued, and why each of its unfinished tasks is not running.",
            discussion: "Worker slots are this machine's setting (orch.json workerSlots, default the number of cores).")
        @Argument(help: "DAG RUN (the DAG id, then the run id), or RUN alone (with --dag when needed).") var ids: [String] = []
        @OptionGroup var selection: RunSelection

        func validate() throws { _ = try selection.address(ids, trailing: 0, usage: RunSelection.runUsage) }

        func run() throws {
            let ctx = try CLIContext()
            let store = try ctx.store()
            let run = try selection.run(ids, in: store)
            let lookup = try WaitingLookup(ctx, store: store)
            if let reason = lookup.reasons.run(pk: run.pk) {
                print("run \(run.runId) is queued: \(reason)")
            } else {
                print("run \(run.runId) is \(run.state.rawValue)")
            }
            let unfinished = try store.taskInstances(runPk: run.pk).filter { !$0.state.isFinished }
            guard !unfinished.isEmpty, !run.state.isFinished else { return }
            let ordered = DependencyOrder(dagId: run.dagId).sorted(unfinished, by: \.taskId)
            printTable(["task_id", "state", "why"], ordered.map { ti in
                [ti.taskId, ti.state.rawValue, lookup.reasons.task(runPk: run.pk, taskId: ti.taskId)?.description ?? "-"]
            })
        }
    }
}
