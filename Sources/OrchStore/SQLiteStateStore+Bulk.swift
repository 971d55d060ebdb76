import Foundation
import OrchCore
import OrchSQLite

/// Bulk hand actions: clear, mark success or mark failed every run or task instance a filter matches, in one
/// write transaction (all or nothing). A dry run reads the same rows and decides the same way, changing nothing.
extension SQLiteStateStore {
    /// Applies `action` to what `filter` matches (unless `dryRun`) and returns what changed, or would, and what
    /// was left alone. Refused (`StoreError.invalid`) when the filter matches more than ``BulkFilter/maxRuns``
    /// runs (`maxRuns`, a parameter for tests).
    public func bulkAction(_ target: BulkTarget, _ action: BulkAction, filter: BulkFilter, dryRun: Bool,
                           now: Date, maxRuns: Int = BulkFilter.maxRuns) throws -> BulkPlan {
        let body = { () throws -> BulkPlan in
            let (runs, missing) = try self.bulkRuns(filter, maxRuns: maxRuns)
            let rows = try runs.map { run in
                (run, try self.db.query("SELECT * FROM task_instance WHERE run_pk = ? ORDER BY task_id", [run.pk])
                    .map(Self.taskInstanceRecord))
            }
            let plan = BulkPlanner.plan(target, action, filter: filter, dryRun: dryRun, runs: rows,
                                        missingRunIds: missing)
            if !dryRun { try self.apply(plan, now: now) }
            return plan
        }
        return try dryRun ? locked(body) : write(body)
    }

    /// The runs the run part of `filter` matches, oldest first, and the named run ids that do not exist.
    private func bulkRuns(_ filter: BulkFilter, maxRuns: Int) throws -> ([RunRecord], [String]) {
        var (whereSQL, params) = Self.filter(filter.runQuery)
        if !filter.runIds.isEmpty {
            whereSQL += " AND run_id IN (\(filter.runIds.map { _ in "?" }.joined(separator: ",")))"
            params += filter.runIds
        }
        let runs = try db.query("SELECT * FROM dag_run \(whereSQL) ORDER BY logical_date, id LIMIT ?",
                                params + [maxRuns + 1]).map(Self.runRecord)
        guard runs.count <= maxRuns else {
            throw StoreError.invalid("the filter matches more than \(maxRuns) runs of DAG "
                + "'\(filter.dagId)'; narrow it (a state, a shorter date range) and repeat")
        }
        let found = Set(runs.map(\.runId))
        var missing: [String] = []
        for id in filter.runIds where !found.contains(id) && !missing.contains(id) {
            // Named but not matched: absent, or present but outside the other filters (then it is not listed).
            if try db.queryOne("SELECT 1 FROM dag_run WHERE dag_id = ? AND run_id = ?", [filter.dagId, id]) == nil {
                missing.append(id)
            }
        }
        return (runs, missing)
    }

    private func apply(_ plan: BulkPlan, now: Date) throws {
        for change in plan.changes {
            switch (plan.target, plan.action) {
            case (_, .clear): try clearTaskRows(runPk: change.run.pk, taskIds: change.taskIds)
            case (.runs, .markSuccess): try markRunRows(pk: change.run.pk, state: .success, now: now)
            case (.runs, .markFailed): try markRunRows(pk: change.run.pk, state: .failed, now: now)
            case (.tasks, .markSuccess):
                try markTaskRows(runPk: change.run.pk, taskIds: change.taskIds, state: .success, now: now)
            case (.tasks, .markFailed):
                try markTaskRows(runPk: change.run.pk, taskIds: change.taskIds, state: .failed, now: now)
            }
        }
    }
}
