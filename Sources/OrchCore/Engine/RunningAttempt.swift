import Foundation

/// An attempt holding a worker slot, as the engine follows it.
struct RunningAttempt: Sendable {
    let tryNumber: Int
    let dagId: String
    let pool: String
    let poolSlots: Int
    /// When it was launched; once its process started (``EngineEvent/attemptStarted(_:tryNumber:)``), when that
    /// was: the timeout and the running limit count from the start, as the task's own code sees it.
    var startedAt: Date
    /// Its process (or in-process task) started: only then does its timeout run.
    var started: Bool
    let timeout: ExecutionTimeout?
    let runningLimit: RunningLimit?
    /// Asked to stop for its timeout at this time (it is then recorded as timed out).
    var terminatedAt: Date?
    var killed = false
    var limitAlerted = false
    /// Offered to remote workers (not run by the local pool).
    var remote = false
    /// A remote attempt's last heartbeat (its lease, once started): lost at ``heartbeatAt`` + lease timeout.
    var heartbeatAt: Date?

    func leaseExpiry(timeout: Double) -> Date? {
        guard remote, started, let heartbeatAt else { return nil }
        return heartbeatAt.addingTimeInterval(timeout)
    }

    /// The next time this attempt needs the engine without an outside event.
    var nextDue: Date? {
        var due: [Date] = []
        if let timeout, started {
            if let t = terminatedAt { if !killed { due.append(timeout.killAt(terminatedAt: t)) } }
            else { due.append(timeout.terminateAt(startedAt: startedAt)) }
        }
        if let runningLimit, started, !limitAlerted { due.append(runningLimit.exceededAt(startedAt: startedAt)) }
        return due.min()
    }
}
