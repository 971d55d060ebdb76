import Foundation
import OrchCore
import OrchStore

/// The scheduler turn's looks for runs to create, each taken only when its gate says one is needed: scheduled runs
/// (``DueRunGate``: something may have fallen due, or the DAGs changed under the scheduler; otherwise the next-due
/// time of the last look) and asset-triggered runs (``AssetRunGate``: a materialization was recorded or a DAG row
/// changed). Both gates read the marks taken once at the start of the turn (nil: they could not be read, so the
/// turn looks).
final class DueRunLooker: @unchecked Sendable {
    private let lock = NSLock()
    private var gate = DueRunGate()
    private var assetGate = AssetRunGate()

    /// Creates the scheduled runs that are due (when a look is needed); answers when the next one falls due and how
    /// many it created.
    func createDueRuns(_ creator: RunCreator, dagChanges: Int?, now: Date) -> (nextDue: Date?, created: Int) {
        lock.withLock {
            guard gate.mustLook(now: now, dagChanges: dagChanges) else { return (gate.nextDue, 0) }
            guard let found = try? creator.createDueRuns(now: now) else { return (nil, 0) }   // looked at again next turn
            gate.looked(now: now, nextDue: found.nextDue, dagChanges: dagChanges)
            return (found.nextDue, found.created.count)
        }
    }

    /// Creates the asset-triggered runs that are due, when a look is needed; answers how many it created.
    func createAssetRuns(_ creator: AssetRunCreator, marks: SchedulerMarks?, now: Date) throws -> Int {
        try lock.withLock {
            guard assetGate.mustLook(now: now, marks: marks) else { return 0 }
            let created = try creator.createDueRuns(now: now)   // a failed look is taken again next turn
            assetGate.looked(now: now, marks: marks)
            return created.count
        }
    }

    /// Other DAGs were loaded: the next turn takes both looks.
    func forget() {
        lock.withLock {
            gate.forget()
            assetGate.forget()
        }
    }
}
