import ArgumentParser
import Foundation
import OrchCore
import OrchRuntime
import OrchStore

/// A task of a run, named `DAG RUN TASK` or `RUN TASK` (with --dag when needed).
struct TaskAddress: ParsableArguments {
    @Argument(help: "DAG RUN TASK (the DAG id, run id and task id), or RUN TASK (with --dag when needed).")
    var ids: [String] = []
    @OptionGroup var selection: RunSelection
    @Flag(help: "Also every task downstream of it, directly or through others.") var downstream = false

    func validate() throws { _ = try selection.address(ids, trailing: 1, usage: RunSelection.taskUsage) }

    /// The run, and the task ids to act on (the task, then its downstream in dependency order).
    func resolve(_ store: SQLiteStateStore) throws -> (RunRecord, [String]) {
        let (dagId, runId, rest) = try selection.address(ids, trailing: 1, usage: RunSelection.taskUsage)
        let run = try RunSelection.find(dagId: dagId, runId: runId, in: store)
        let taskId = rest[0]
        let instances = try store.taskInstances(runPk: run.pk)
        guard instances.contains(where: { $0.taskId == taskId }) else {
            let order = DependencyOrder(dagId: run.dagId).sorted(instances, by: \.taskId).map(\.taskId)
            throw CLIError("run '\(run.runId)' of DAG '\(run.dagId)' has no task '\(taskId)'; its tasks: "
                + order.joined(separator: ", "))
        }
        guard downstream else { return (run, [taskId]) }
        let present = Set(instances.map(\.taskId))
        let reached = BundleSelection.loaded(OrchHome.fromEnvironment()).bag.dag(run.dagId)?.withDownstream(of: taskId).filter(present.contains) ?? [taskId]
        return (run, reached.isEmpty ? [taskId] : reached)
    }
}

extension TasksCommand {
    struct Clear: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Clear one task of a finished run (with --downstream, its dependents too) so it runs again.",
            discussion: "Earlier attempts and their logs are kept; the run is queued again for the scheduler.")
        @OptionGroup var task: TaskAddress

        func run() throws {
            let ctx = try CLIContext()
            let store = try ctx.store()
            let (run, taskIds) = try task.resolve(store)
            guard run.state.isFinished else {
                throw CLIError("run '\(run.runId)' is \(run.state.rawValue); clear its tasks when it has finished")
            }
            try store.clearTasks(runPk: run.pk, taskIds: taskIds, now: Date())
            try ctx.audit(store, "run.clear", ["dag_id": run.dagId, "run_id": run.runId,
                                               "task_ids": taskIds.joined(separator: ",")])
            WakeSocket.notify(ctx.home.wakeSocketPath)
            print("cleared \(taskIds.joined(separator: ", ")) in run \(run.runId) of \(run.dagId); the run is queued again")
        }
    }

    struct Mark: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Mark one task of a finished run success or failed (with --downstream, its dependents too).",
            discussion: "The run is queued again, so the scheduler decides its outcome from the new states.")
        @OptionGroup var task: TaskAddress
        @Option(help: "success or failed.") var state: String

        func validate() throws {
            guard state == TaskState.success.rawValue || state == TaskState.failed.rawValue else {
                throw ValidationError("--state must be success or failed, not '\(state)'")
            }
        }

        func run() throws {
            let ctx = try CLIContext()
            let store = try ctx.store()
            let (run, taskIds) = try task.resolve(store)
            do {
                try store.markTasks(runPk: run.pk, taskIds: taskIds, state: TaskState(rawValue: state)!, now: Date())
            } catch let e as StoreError { throw CLIError(e.description) }
            try ctx.audit(store, "task.mark", ["dag_id": run.dagId, "run_id": run.runId,
                                               "task_ids": taskIds.joined(separator: ","), "state": state])
            WakeSocket.notify(ctx.home.wakeSocketPath)
            print("marked \(taskIds.joined(separator: ", ")) \(state) in run \(run.runId) of \(run.dagId); the run is queued again")
        }
    }
}
