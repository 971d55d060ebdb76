import Foundation
import OrchCore
import OrchStore

/// The scheduler turn's look for asset-triggered runs (``AssetRunCreator``), taken only when ``AssetRunGate`` says
/// one is needed: a materialization was recorded or a DAG row changed since the last look, or the longest gap passed.
final class AssetRunLooker: @unchecked Sendable {
    private let lock = NSLock()
    private var gate = AssetRunGate()

    /// Creates the asset-triggered runs that are due, when a look is needed. `marks`: read at the start of the turn.
    func createDueRuns(_ creator: AssetRunCreator, marks: SchedulerMarks?, now: Date) throws {
        try lock.withLock {
            guard gate.mustLook(now: now, marks: marks) else { return }
            try creator.createDueRuns(now: now)   // a failed look is taken again next turn
            gate.looked(now: now, marks: marks)
        }
    }

    /// Other DAGs were loaded: the next turn looks.
    func forget() { lock.withLock { gate.forget() } }
}
