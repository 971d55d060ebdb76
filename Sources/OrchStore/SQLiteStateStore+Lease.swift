import Foundation
import OrchSQLite

extension SQLiteStateStore {
    /// Takes the scheduler lease if it is free, expired, or held by a process that is gone.
    /// Returns nil on success, or the current holder when someone else has it.
    public func acquireLease(holder: String, pid: Int, hostname: String, now: Date, ttl: Double,
                             holderIsAlive: (LeaseRecord) -> Bool) throws -> LeaseRecord? {
        try write {
            if let current = try db.queryOne("SELECT * FROM scheduler_lease WHERE id = 1").map(Self.leaseRecord),
               current.holder != holder {
                let fresh = now.timeIntervalSince(current.heartbeatAt) < ttl
                if fresh && holderIsAlive(current) { return current }
            }
            // A takeover moves the epoch on; the same holder taking it again keeps its epoch.
            try db.execute("""
                INSERT INTO scheduler_lease (id, holder, pid, hostname, acquired_at, heartbeat_at, epoch)
                VALUES (1, ?, ?, ?, ?, ?, 1)
                ON CONFLICT (id) DO UPDATE SET holder = excluded.holder, pid = excluded.pid, hostname = excluded.hostname,
                    acquired_at = excluded.acquired_at, heartbeat_at = excluded.heartbeat_at,
                    epoch = CASE WHEN scheduler_lease.holder = excluded.holder THEN scheduler_lease.epoch
                                 ELSE scheduler_lease.epoch + 1 END
                """, [holder, pid, hostname, now.unix, now.unix])
            return nil
        }
    }

    /// Renews the lease; false when another scheduler has taken it. One statement on its own, outside the writers'
    /// turn (PostgreSQL's advisory lock): a long write transaction of another process does not hold the heartbeat
    /// up. A take-over racing with it is decided by the row: the heartbeat then finds another holder.
    public func heartbeat(holder: String, now: Date) throws -> Bool {
        try locked {
            try db.execute("UPDATE scheduler_lease SET heartbeat_at = ? WHERE id = 1 AND holder = ?", [now.unix, holder]) == 1
        }
    }

    public func releaseLease(holder: String) throws {
        try write { try db.execute("DELETE FROM scheduler_lease WHERE id = 1 AND holder = ?", [holder]) }
    }

    public func leaseClock() throws -> Date {
        guard db.dialect == .postgres else { return Date() }
        return try locked {
            let seconds = try db.queryOne("SELECT extract(epoch FROM clock_timestamp())::float8 AS t")?["t"].double
            guard let seconds else { throw StoreError.invalid("the database did not say what time it is") }
            return Date(timeIntervalSince1970: seconds)
        }
    }

    public func lease() throws -> LeaseRecord? {
        try locked { try db.queryOne("SELECT * FROM scheduler_lease WHERE id = 1").map(Self.leaseRecord) }
    }

    static func leaseRecord(_ r: SQLiteRow) throws -> LeaseRecord {
        let c = RowReader(r, table: "scheduler_lease", key: ["holder"])
        return LeaseRecord(holder: try c.string("holder"), pid: try c.int("pid"), hostname: try c.string("hostname"),
                           acquiredAt: try c.date("acquired_at"), heartbeatAt: try c.date("heartbeat_at"),
                           epoch: try c.int64("epoch"))
    }
}
