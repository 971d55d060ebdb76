import Foundation
import OrchStore

/// The scheduler's heartbeat: renews the lease every `heartbeatInterval`. A heartbeat that cannot be written (disk
/// full, I/O error) must not end the scheduler: it says so once, keeps its lease row as it is and tries again on the
/// next beat; when the write works again it carries on (or stops if another scheduler took the lease meanwhile).
final class LeaseKeeper: @unchecked Sendable {
    private let loop: SchedulerLoop
    private let lock = NSLock()
    private var lastBeat = Date()
    private var failingSince: Date?

    init(loop: SchedulerLoop) { self.loop = loop }

    /// When the next heartbeat is due.
    var nextBeat: Date { lock.withLock { lastBeat.addingTimeInterval(SchedulerLease.heartbeatInterval) } }

    /// Writes the heartbeat if due; false when another process holds the lease now (the scheduler must stop).
    func beatIfDue() -> Bool {
        lock.lock(); defer { lock.unlock() }
        guard Date().timeIntervalSince(lastBeat) >= SchedulerLease.heartbeatInterval else { return true }
        defer { lastBeat = Date() }
        do {
            guard try loop.store.heartbeat(holder: loop.holder, now: Date()) else {
                loop.logger.warning("lost the scheduler lease to another process; stopping")
                return false
            }
            if let since = failingSince {
                loop.log("scheduler heartbeat written again after \(Int(Date().timeIntervalSince(since))) s of failures")
                failingSince = nil
            }
        } catch {
            if failingSince == nil {
                failingSince = Date()
                loop.logger.error("scheduler heartbeat failed: \(error); retrying every \(Int(SchedulerLease.heartbeatInterval)) s")
            }
        }
        return true
    }
}

/// When the current loop turn started (for the loop-duration metric).
final class TurnClock: @unchecked Sendable {
    private let lock = NSLock()
    private var start: Date
    init(start: Date = Date()) { self.start = start }
    func mark() { lock.withLock { start = Date() } }
    var elapsed: Double { lock.withLock { Date().timeIntervalSince(start) } }
}
