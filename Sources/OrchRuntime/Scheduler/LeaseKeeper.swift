import Foundation
import Logging
import OrchObservability
import OrchStore

/// The scheduler's heartbeat, on a thread of its own with a database connection of its own: the lease is renewed
/// every `interval` however long a scheduler turn takes (an engine step, the retention job), so a busy scheduler
/// does not lose it with a short TTL. Only a loop that has not finished a turn for `wedgedAfter` seconds (stuck,
/// not busy) stops being vouched for: its lease then goes stale and a standby may take over.
///
/// A heartbeat that cannot be written (disk full, I/O error, PostgreSQL away) does not end the scheduler: it says
/// so once and tries again on the next beat. When the row says another scheduler holds the lease, `onLost` is
/// called once and the thread ends.
final class LeaseKeeper: @unchecked Sendable {
    private let store: SQLStateStore
    private let holder: String
    private let interval: Double
    private let wedgedAfter: Double
    private let logger: Logger
    private let onLost: @Sendable () -> Void
    private let lastTurn = TurnClock()
    private let stopped = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)
    private var failingSince: Date?
    private var wedgedSince: Date?

    /// - Parameters:
    ///   - store: a store of its own (its connection is used by this thread alone).
    init(store: SQLStateStore, holder: String, interval: Double = SchedulerLease.heartbeatInterval,
         wedgedAfter: Double = 60, logger: Logger = OrchLog.scheduler, onLost: @escaping @Sendable () -> Void) {
        self.store = store
        self.holder = holder
        self.interval = interval
        self.wedgedAfter = wedgedAfter
        self.logger = logger
        self.onLost = onLost
    }

    /// The scheduler loop finished a turn: it is alive.
    func loopTurned() { lastTurn.mark() }

    func start() {
        let thread = Thread { [self] in
            while stopped.wait(timeout: .now() + interval) == .timedOut {
                if !beat() {
                    onLost()
                    break
                }
            }
            finished.signal()
        }
        thread.name = "orch-lease-heartbeat"
        thread.start()
    }

    /// Stops the heartbeat and waits for its thread to end (a beat in flight finishes first).
    func stop() {
        stopped.signal()
        finished.wait()
    }

    /// One heartbeat; false when another scheduler holds the lease now.
    private func beat() -> Bool {
        let stalled = lastTurn.elapsed
        guard stalled < wedgedAfter else {
            if wedgedSince == nil {
                wedgedSince = Date()
                logger.error("the scheduler loop has not finished a turn for \(String(format: "%.1f", stalled)) s: no heartbeat until it does, so a standby may take over")
            }
            return true
        }
        if wedgedSince != nil {
            wedgedSince = nil
            logger.notice("the scheduler loop turns again; heartbeats resume")
        }
        do {
            guard try store.heartbeat(holder: holder, now: try store.leaseClock()) else {
                logger.warning("lost the scheduler lease to another process; stopping")
                return false
            }
            if let since = failingSince {
                logger.info("scheduler heartbeat written again after \(Int(Date().timeIntervalSince(since))) s of failures")
                failingSince = nil
            }
        } catch {
            if failingSince == nil {
                failingSince = Date()
                logger.error("scheduler heartbeat failed: \(error); retrying every \(interval) s")
            }
        }
        return true
    }
}
