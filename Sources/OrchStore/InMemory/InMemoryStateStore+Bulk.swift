import Foundation
import OrchCore

// Bulk actions: the same planner as SQLite, over the in-memory tables.
extension InMemoryStateStore {
    public func bulkAction(_ target: BulkTarget, _ action: BulkAction, filter: BulkFilter, dryRun: Bool, now: Date,
                           maxRuns: Int = BulkFilter.maxRuns) throws -> BulkPlan {
        try write { t in
            let ofDAG = t.runs.values.filter { $0.dagId == filter.dagId }
            let runs = ofDAG.filter { Self.matches($0, filter.runQuery)
                && (filter.runIds.isEmpty || filter.runIds.contains($0.runId)) }
                .sorted { ($0.logicalDate, $0.pk) < ($1.logicalDate, $1.pk) }
            guard runs.count <= maxRuns else {
                throw StoreError.invalid("the filter matches more than \(maxRuns) runs of DAG '\(filter.dagId)'; "
                    + "narrow it (a state, a shorter date range) and repeat")
            }
            var missing: [String] = []
            for id in filter.runIds where !ofDAG.contains(where: { $0.runId == id }) && !missing.contains(id) {
                missing.append(id)
            }
            let rows = runs.map { run in (run, (t.instances[run.pk] ?? [:]).values.sorted { $0.taskId < $1.taskId }) }
            let plan = BulkPlanner.plan(target, action, filter: filter, dryRun: dryRun, runs: rows,
                                        missingRunIds: missing)
            guard !dryRun else { return plan }
            for change in plan.changes {
                switch (target, action) {
                case (_, .clear): Self.clearTasks(change.run.pk, change.taskIds, in: &t)
                case (.runs, _): Self.markRun(change.run.pk, action == .markSuccess ? .success : .failed, now, in: &t)
                case (.tasks, _):
                    try Self.markTasks(change.run.pk, change.taskIds, action == .markSuccess ? .success : .failed, now,
                                       in: &t)
                }
            }
            return plan
        }
    }
}
