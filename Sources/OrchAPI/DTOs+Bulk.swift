import Foundation
import OrchStore

/// The answer to a bulk action: what changed (or, with `dry_run`, would change) and what was left alone.
struct BulkResultDTO: Codable, Sendable {
    struct Run: Codable, Sendable {
        let run_id: String
        let logical_date: String
        /// The run's state before the action.
        let state: String
        /// The task instances whose state changes.
        let task_ids: [String]
    }

    struct Skipped: Codable, Sendable {
        let run_id: String
        let task_id: String?
        let reason: String
    }

    let dag_id: String
    let target: String
    let action: String
    let dry_run: Bool
    let runs: [Run]
    let skipped: [Skipped]
    let total_runs: Int
    let total_task_instances: Int
    /// The run ids changed (none in a dry run); the audit log records them.
    let changed_run_ids: [String]

    init(dagId: String, _ plan: BulkPlan) {
        dag_id = dagId
        target = plan.target.rawValue
        action = plan.action.rawValue
        dry_run = plan.dryRun
        runs = plan.changes.map {
            Run(run_id: $0.run.runId, logical_date: APIDate.format($0.run.logicalDate), state: $0.run.state.rawValue,
                task_ids: $0.taskIds)
        }
        skipped = plan.skipped.map { Skipped(run_id: $0.runId, task_id: $0.taskId, reason: $0.reason) }
        total_runs = plan.changes.count
        total_task_instances = plan.taskCount
        changed_run_ids = plan.dryRun ? [] : plan.changes.map(\.run.runId)
    }
}
