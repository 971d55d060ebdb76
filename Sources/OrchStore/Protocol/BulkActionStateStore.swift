import Foundation

/// Bulk hand actions: clear or mark every run or task instance a ``BulkFilter`` matches, decided by
/// ``BulkPlanner`` and applied all or nothing.
public protocol BulkActionStateStore: Sendable {
    /// What changed (or, with `dryRun`, would change) and what was left alone. More than `maxRuns` matched runs
    /// is refused with `StoreError.invalid` (``BulkFilter/maxRuns`` in production).
    func bulkAction(_ target: BulkTarget, _ action: BulkAction, filter: BulkFilter, dryRun: Bool, now: Date,
                    maxRuns: Int) throws -> BulkPlan
}
