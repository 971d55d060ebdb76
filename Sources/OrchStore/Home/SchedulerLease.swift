import Foundation

/// The timing of the scheduler lease, shared by the scheduler (which keeps it) and whoever reports on it
/// (API health, `orch trigger`'s "no scheduler runs" hint, waiting reasons).
///
/// A standby on another host can only tell that the active scheduler died by its heartbeat going stale, so `ttl`
/// is what a take-over across hosts costs: at most `ttl` after the holder's death (its last heartbeat is at most
/// `heartbeatInterval` older than its death, and the standby tries again the moment the heartbeat is `ttl` old).
/// The heartbeat is written by a thread of its own, so a long scheduler turn does not make the lease stale.
/// Lease times are the database server's clock on PostgreSQL (`LeaseStateStore.leaseClock()`), so the hosts'
/// own clocks need not agree.
public enum SchedulerLease {
    /// The default `ttl`: a standby on another host takes over within 4 s of the holder's death.
    public static let defaultTTL: Double = 4
    /// A lease whose heartbeat is older than this is free for another scheduler, and its holder counts as gone.
    /// `ORCH_SCHEDULER_LEASE_TTL` (seconds, at least 1), else ``defaultTTL``.
    public static let ttl: Double = ttl(environment: ProcessInfo.processInfo.environment)
    /// How often the holder renews it: four beats per `ttl`, so three in a row may be late or lost.
    public static var heartbeatInterval: Double { ttl / 4 }
    /// How often a standby scheduler tries the lease while the holder's heartbeat is fresh: a holder that died on
    /// the standby's host (its pid is gone) is replaced within this.
    public static let standbyPollInterval: Double = 1

    /// `ORCH_SCHEDULER_LEASE_TTL` when it is a number of seconds of at least 1, else ``defaultTTL``.
    public static func ttl(environment: [String: String]) -> Double {
        guard let text = environment["ORCH_SCHEDULER_LEASE_TTL"], let value = Double(text), value >= 1,
              value.isFinite else { return defaultTTL }
        return value
    }

    /// Whether a lease whose last heartbeat is `heartbeatAt` is still held at `now`.
    public static func isFresh(heartbeatAt: Date, now: Date, ttl: Double = ttl) -> Bool {
        now.timeIntervalSince(heartbeatAt) < ttl
    }

    /// How long a standby waits before trying the lease again: until the holder's heartbeat goes stale, and no
    /// longer than `standbyPollInterval` (a newer heartbeat pushes the moment back; the pid check needs a poll).
    public static func standbyWait(holderHeartbeatAt: Date, now: Date, ttl: Double = ttl) -> Double {
        let untilStale = holderHeartbeatAt.addingTimeInterval(ttl).timeIntervalSince(now)
        return min(standbyPollInterval, max(0.02, untilStale + 0.01))
    }
}
