import Foundation

/// The scheduler lease: one active scheduler per database.
public protocol LeaseStateStore: Sendable {
    /// Takes the lease when free, stale (no heartbeat within `ttl`) or held by a process that is gone; nil on
    /// success, else the current holder.
    func acquireLease(holder: String, pid: Int, hostname: String, now: Date, ttl: Double,
                      holderIsAlive: (LeaseRecord) -> Bool) throws -> LeaseRecord?
    /// Renews the lease; false when another scheduler holds it.
    func heartbeat(holder: String, now: Date) throws -> Bool
    func releaseLease(holder: String) throws
    func lease() throws -> LeaseRecord?
    /// The time lease heartbeats are written and judged by: the database server's clock on PostgreSQL (one clock
    /// for schedulers on several hosts, whatever their own clocks say), this host's clock otherwise.
    func leaseClock() throws -> Date
}

extension LeaseStateStore {
    public func leaseClock() throws -> Date { Date() }

    /// Seconds since `lease`'s last heartbeat by ``leaseClock()`` (this host's clock if the database cannot say).
    public func heartbeatAge(of lease: LeaseRecord) -> Double {
        max(0, ((try? leaseClock()) ?? Date()).timeIntervalSince(lease.heartbeatAt))
    }

    /// Whether `lease` was renewed within the lease TTL, by ``leaseClock()``.
    public func isFresh(_ lease: LeaseRecord) -> Bool { heartbeatAge(of: lease) < SchedulerLease.ttl }
}
