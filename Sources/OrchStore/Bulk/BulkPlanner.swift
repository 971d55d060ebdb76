import Foundation
import OrchCore

/// Decides what a bulk action does to each matched run: the same rules as the single actions, without I/O.
///
/// - Clear (runs or tasks): only finished runs (the scheduler keeps an active run's task states in memory);
///   queued or running task instances are left alone; a run clear clears every task that passes the task filter.
/// - Mark a run: any run not already in that state; its unfinished tasks take the state (as `markRun`).
/// - Mark tasks: only finished runs; task instances already in that state do not change and are not listed.
/// - An unfinished run is listed as skipped only when some of its task instances pass the task filter.
public enum BulkPlanner {
    /// `runs`: the runs the run filter matched, each with its task instances. `missingRunIds`: run ids the filter
    /// named that the DAG does not have.
    public static func plan(_ target: BulkTarget, _ action: BulkAction, filter: BulkFilter, dryRun: Bool,
                            runs: [(RunRecord, [TaskInstanceRecord])], missingRunIds: [String] = []) -> BulkPlan {
        var plan = BulkPlan(target: target, action: action, dryRun: dryRun, changes: [], skipped: [])
        plan.skipped = missingRunIds.map { BulkSkip(runId: $0, taskId: nil, reason: "no such run") }
        for (run, instances) in runs {
            let chosen = instances.filter(filter.includes).sorted { $0.taskId < $1.taskId }
            switch (target, action) {
            case (.runs, .markSuccess), (.runs, .markFailed):
                let state: RunState = action == .markSuccess ? .success : .failed
                guard run.state != state else { continue }
                let unfinished = instances.filter { !$0.state.isFinished }.map(\.taskId).sorted()
                plan.changes.append(BulkRunChange(run: run, taskIds: unfinished))
            default:
                guard !chosen.isEmpty else { continue }   // nothing of this run matches: not listed at all
                guard run.state.isFinished else {
                    plan.skipped.append(BulkSkip(runId: run.runId, taskId: nil,
                                                 reason: "run is \(run.state.rawValue); wait for it to finish"))
                    continue
                }
                var ids: [String] = []
                for instance in chosen {
                    if instance.state.isActive {
                        plan.skipped.append(BulkSkip(runId: run.runId, taskId: instance.taskId,
                                                     reason: "task is \(instance.state.rawValue)"))
                    } else if action == .clear || instance.state != (action == .markSuccess ? .success : .failed) {
                        ids.append(instance.taskId)
                    }
                }
                if !ids.isEmpty { plan.changes.append(BulkRunChange(run: run, taskIds: ids)) }
            }
        }
        return plan
    }
}
