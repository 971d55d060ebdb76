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

    /// One id, or none with --dag, is the bulk form, checked by the command.
    func validate() throws {
        if ids.count > 1 { _ = try selection.address(ids, trailing: 1, usage: RunSelection.taskUsage) }
    }

    /// The single form's check (DAG RUN TASK or RUN TASK).
    func validateSingle() throws { _ = try selection.address(ids, trailing: 1, usage: RunSelection.taskUsage) }

    /// The run, and the task ids to act on (the task, then its downstream in dependency order).
    func resolve(_ store: SQLiteStateStore) throws -> (RunRecord, [String]) {
        try validateSingle()
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

/// The filters of the bulk forms of `orch tasks clear|mark`.
struct TaskBulkFilter: ParsableArguments {
    @Option(name: .customLong("task"), help: "Bulk form: only this task (repeatable, or comma-separated).")
    var tasks: [String] = []
    @OptionGroup var range: BulkRange

    var taskIds: [String] { tasks.flatMap { $0.split(separator: ",").map(String.init) } }

    /// The bulk filter for the DAG named by `address`, with the task states chosen by the command.
    func filter(_ address: TaskAddress, taskStates: [TaskState]) throws -> BulkFilter {
        let (from, to) = try range.dates()
        return BulkFilter(dagId: try BulkCLI.dagId(address.ids, address.selection, form: ""), logicalFrom: from,
                          logicalTo: to, taskIds: taskIds, taskStates: taskStates)
    }

    func validate(_ address: TaskAddress, form: String) throws {
        _ = try BulkCLI.dagId(address.ids, address.selection, form: form)
        if address.downstream { throw ValidationError("--downstream names one task; in the bulk form list tasks with --task") }
    }
}

extension TasksCommand {
    struct Clear: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Clear one task of a finished run (with --downstream, its dependents too) so it runs again.",
            discussion: """
                Earlier attempts and their logs are kept; the run is queued again for the scheduler. Many task
                instances at once: DAG alone with a filter, e.g. `orch tasks clear etl --task load --state failed
                --from 2026-11-01 --to 2026-11-07 --dry-run`; unfinished runs are skipped and listed.
                """)
        @OptionGroup var task: TaskAddress
        @OptionGroup var bulk: TaskBulkFilter
        @Option(name: .customLong("state"), help: "Bulk form: only task instances in this state (repeatable, or comma-separated).")
        var states: [String] = []

        var isBulk: Bool { !bulk.tasks.isEmpty || !states.isEmpty || bulk.range.hasDates }

        func validate() throws {
            if isBulk {
                try bulk.validate(task, form: "orch tasks clear DAG --task T --state S --from D --to D")
                _ = try BulkCLI.states(states, "--state", TaskState.self)
            } else {
                try task.validateSingle()
            }
        }

        func run() throws {
            if isBulk {
                let filter = try bulk.filter(task, taskStates: try BulkCLI.states(states, "--state", TaskState.self))
                return try BulkCLI.perform(.tasks, .clear, filter: filter, dryRun: bulk.range.dryRun)
            }
            let ctx = try CLIContext()
            let store = try ctx.store()
            let (run, taskIds) = try task.resolve(store)
            if bulk.range.dryRun {
                return try BulkCLI.perform(.tasks, .clear, filter: BulkFilter(dagId: run.dagId, runIds: [run.runId],
                                                                              taskIds: taskIds), dryRun: true)
            }
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
            discussion: """
                The run is queued again, so the scheduler decides its outcome from the new states. Many task
                instances at once: DAG alone with a filter, e.g. `orch tasks mark etl --state success --task load
                --current-state failed --from 2026-11-01 --to 2026-11-07`; unfinished runs are skipped and listed.
                """)
        @OptionGroup var task: TaskAddress
        @OptionGroup var bulk: TaskBulkFilter
        @Option(help: "success or failed.") var state: String
        @Option(name: .customLong("current-state"),
                help: "Bulk form: only task instances now in this state (repeatable, or comma-separated).")
        var currentStates: [String] = []

        var isBulk: Bool { !bulk.tasks.isEmpty || !currentStates.isEmpty || bulk.range.hasDates }

        func validate() throws {
            if isBulk {
                try bulk.validate(task, form: "orch tasks mark DAG --state S --task T --current-state S --from D --to D")
                _ = try BulkCLI.states(currentStates, "--current-state", TaskState.self)
            } else {
                try task.validateSingle()
            }
            guard state == TaskState.success.rawValue || state == TaskState.failed.rawValue else {
                throw ValidationError("--state must be success or failed, not '\(state)'")
            }
        }

        func run() throws {
            let action = BulkAction.mark(state)!
            if isBulk {
                let filter = try bulk.filter(task, taskStates: try BulkCLI.states(currentStates, "--current-state",
                                                                                 TaskState.self))
                return try BulkCLI.perform(.tasks, action, filter: filter, dryRun: bulk.range.dryRun)
            }
            let ctx = try CLIContext()
            let store = try ctx.store()
            let (run, taskIds) = try task.resolve(store)
            if bulk.range.dryRun {
                return try BulkCLI.perform(.tasks, action, filter: BulkFilter(dagId: run.dagId, runIds: [run.runId],
                                                                              taskIds: taskIds), dryRun: true)
            }
            do {
                try store.markTasks(runPk: run.pk, taskIds: taskIds, state: TaskState(rawValue: state)!, now: Date())
            } catch let e as StoreError { throw CLIError(e.description) }
            try ctx.audit(store, "task.mark", ["dag_id": run.dagId, "run_id": run.runId,
                                               "task_ids": taskIds.joined(separator: ","), "state": state])
            WakeSocket.notify(ctx.home.wakeSocketPath)
            print("marked \(taskIds.joined(separator: ", ")) in run \(run.runId) of \(run.dagId) \(state); the run is queued again")
        }
    }
}
