import Foundation

/// An attempt holding a worker slot, as the engine follows it.
struct RunningAttempt: Sendable {
    let tryNumber: Int
    let dagId: String
    let pool: String
    let poolSlots: Int
    let startedAt: Date
    let timeout: ExecutionTimeout?
    let runningLimit: RunningLimit?
    /// Asked to stop for its timeout at this time (it is then recorded as timed out).
    var terminatedAt: Date?
    var killed = false
    var limitAlerted = false

    /// The next time this attempt needs the engine without an outside event.
    var nextDue: Date? {
        var due: [Date] = []
        if let timeout {
            if let t = terminatedAt { if !killed { due.append(timeout.killAt(terminatedAt: t)) } }
            else { due.append(timeout.terminateAt(startedAt: startedAt)) }
        }
        if let runningLimit, !limitAlerted { due.append(runningLimit.exceededAt(startedAt: startedAt)) }
        return due.min()
    }
}
