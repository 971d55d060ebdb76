import Foundation
import OrchCore
import OrchStore

/// The scheduler turn's look for due scheduled runs, taken only when ``DueRunGate`` says one is needed (something
/// may have fallen due, or the state changed under the scheduler); otherwise the next-due time of the last look.
final class DueRunLooker: @unchecked Sendable {
    private let lock = NSLock()
    private var gate = DueRunGate()

    /// Creates the runs that are due (when a look is needed) and answers when the next one falls due. `dagChanges`:
    /// the count read at the start of the turn (nil: it could not be read, so the turn looks).
    func createDueRuns(_ creator: RunCreator, dagChanges: Int?, now: Date) -> Date? {
        lock.withLock {
            guard gate.mustLook(now: now, dagChanges: dagChanges) else { return gate.nextDue }
            guard let found = try? creator.createDueRuns(now: now) else { return nil }   // looked at again next turn
            gate.looked(now: now, nextDue: found.nextDue, dagChanges: dagChanges)
            return found.nextDue
        }
    }

    /// Other DAGs were loaded: the next turn looks.
    func forget() { lock.withLock { gate.forget() } }
}
