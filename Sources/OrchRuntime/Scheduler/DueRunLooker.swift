import Foundation
import OrchCore
import OrchStore

/// The scheduler turn's look for due scheduled runs, taken only when ``DueRunGate`` says one is needed (something
/// may have fallen due, or the state changed under the scheduler); otherwise the next-due time of the last look.
final class DueRunLooker: @unchecked Sendable {
    private let lock = NSLock()
    private var gate = DueRunGate()

    /// Creates the runs that are due (when a look is needed) and answers when the next one falls due.
    func createDueRuns(_ creator: RunCreator, store: SQLiteStateStore, now: Date) -> Date? {
        lock.withLock {
            let changes = try? store.dagChangeCount()
            guard gate.mustLook(now: now, dagChanges: changes) else { return gate.nextDue }
            guard let found = try? creator.createDueRuns(now: now) else { return nil }   // looked at again next turn
            gate.looked(now: now, nextDue: found.nextDue, dagChanges: changes)
            return found.nextDue
        }
    }

    /// Other DAGs were loaded: the next turn looks.
    func forget() { lock.withLock { gate.forget() } }
}
