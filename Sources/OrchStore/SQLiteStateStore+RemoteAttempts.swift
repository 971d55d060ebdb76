import Foundation
import OrchCore
import OrchSQLite

/// `remote_attempt` (migration 0016). Every change sets `version` to one past the highest, so the scheduler reads
/// only what changed since its last step.
extension SQLiteStateStore: RemoteAttemptStateStore {
    private static let nextVersion = "(SELECT coalesce(max(version), 0) + 1 FROM remote_attempt)"
    private static let columns = """
        attempt_id, run_pk, task_id, try_number, dag_id, queue, bundle_sha256, spec, state, epoch, secret_hash,
        worker, offered_at, leased_at, heartbeat_at, stop_signal, outcome, version
        """
    /// The task instance is still on this try and not finished: a lease of it means something.
    private static let tryIsCurrent = """
        EXISTS (SELECT 1 FROM task_instance ti WHERE ti.run_pk = remote_attempt.run_pk
                AND ti.task_id = remote_attempt.task_id AND ti.try_number = remote_attempt.try_number
                AND ti.state IN ('queued', 'running'))
        """

    public func offerRemoteAttempt(attemptId: Int64, runPk: Int64, taskId: String, tryNumber: Int, dagId: String,
                                   queue: String, bundleSHA256: String, spec: String, now: Date) throws {
        try write {
            try db.execute("""
                INSERT INTO remote_attempt (attempt_id, run_pk, task_id, try_number, dag_id, queue,
                    bundle_sha256, spec, state, offered_at, version)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'offered', ?, \(Self.nextVersion))
                ON CONFLICT (attempt_id) DO UPDATE SET run_pk = excluded.run_pk, task_id = excluded.task_id,
                    try_number = excluded.try_number, dag_id = excluded.dag_id, queue = excluded.queue,
                    bundle_sha256 = excluded.bundle_sha256, spec = excluded.spec, state = 'offered', epoch = 0,
                    secret_hash = NULL, worker = NULL, offered_at = excluded.offered_at, leased_at = NULL,
                    heartbeat_at = NULL, stop_signal = NULL, outcome = NULL, log_bytes = 0, version = excluded.version
                """, [attemptId, runPk, taskId, tryNumber, dagId, queue, bundleSHA256, spec, now.unix])
        }
    }

    public func leaseRemoteAttempts(queues: [String], worker: String, limit: Int, now: Date, unacknowledgedAfter: Double,
                                    secretHash: (Int64) -> String) throws -> [RemoteAttemptRecord] {
        guard !queues.isEmpty, limit > 0 else { return [] }
        let marks = Array(repeating: "?", count: queues.count).joined(separator: ", ")
        return try write {
            let ids = try db.query("""
                SELECT attempt_id FROM remote_attempt
                WHERE (state = 'offered' OR (state = 'leased' AND heartbeat_at IS NULL AND leased_at < ?))
                    AND queue IN (\(marks)) AND \(Self.tryIsCurrent) ORDER BY offered_at, attempt_id LIMIT ?
                """, [now.unix - unacknowledgedAfter] + queues.map { $0 as any SQLiteBindable } + [limit])
                .compactMap { $0["attempt_id"].int64 }
            var leased: [RemoteAttemptRecord] = []
            for id in ids {
                try db.execute("""
                    UPDATE remote_attempt SET state = 'leased', epoch = epoch + 1, secret_hash = ?, worker = ?,
                        leased_at = ?, heartbeat_at = NULL, version = \(Self.nextVersion)
                    WHERE attempt_id = ? AND (state = 'offered' OR (state = 'leased' AND heartbeat_at IS NULL))
                    """, [secretHash(id), worker, now.unix, id])
                if let row = try db.queryOne("SELECT \(Self.columns) FROM remote_attempt WHERE attempt_id = ?", [id]) {
                    leased.append(try Self.record(row))
                }
            }
            return leased
        }
    }

    public func checkLease(attemptId: Int64, epoch: Int, matches: (String) -> Bool) throws -> LeaseCheck {
        try locked {
            guard let row = try db.queryOne("""
                SELECT \(Self.columns), \(Self.tryIsCurrent) AS current FROM remote_attempt WHERE attempt_id = ?
                """, [attemptId]) else { return .refused("no remote attempt \(attemptId)") }
            let r = try Self.record(row)
            guard r.epoch == epoch, let hash = r.secretHash, matches(hash) else {
                return .refused("the fencing token of attempt \(attemptId) is not its current lease (epoch \(r.epoch))")
            }
            guard r.state == .leased else { return .refused("the lease of attempt \(attemptId) is \(r.state.rawValue)") }
            guard row["current"].int == 1 else {
                return .refused("attempt \(attemptId) (try \(r.tryNumber) of \(r.dagId).\(r.taskId)) is no longer the task's current try")
            }
            return .current(r)
        }
    }

    public func heartbeatRemoteAttempt(attemptId: Int64, epoch: Int, now: Date) throws -> Bool {
        try write {
            try db.execute("""
                UPDATE remote_attempt SET heartbeat_at = ?, version = \(Self.nextVersion)
                WHERE attempt_id = ? AND epoch = ? AND state = 'leased'
                """, [now.unix, attemptId, epoch]) > 0
        }
    }

    public func completeRemoteAttempt(attemptId: Int64, epoch: Int, outcome: AttemptOutcome, now: Date) throws -> Bool {
        let json = String(decoding: try JSONEncoder().encode(outcome), as: UTF8.self)
        return try write {
            try db.execute("""
                UPDATE remote_attempt SET state = 'completed', outcome = ?, heartbeat_at = ?, version = \(Self.nextVersion)
                WHERE attempt_id = ? AND epoch = ? AND state = 'leased' AND \(Self.tryIsCurrent)
                """, [json, now.unix, attemptId, epoch]) > 0
        }
    }

    public func remoteAttemptVersion() throws -> Int64 {
        try locked { try db.queryOne("SELECT coalesce(max(version), 0) AS v FROM remote_attempt")?["v"].int64 ?? 0 }
    }

    public func remoteAttemptChanges(since version: Int64) throws -> [RemoteAttemptRecord] {
        try locked {
            try db.query("SELECT \(Self.columns) FROM remote_attempt WHERE version > ? ORDER BY version", [version])
                .map(Self.record)
        }
    }

    public func offeredRemoteAttempts() throws -> [RemoteAttemptRecord] {
        try locked {
            try db.query("SELECT \(Self.columns) FROM remote_attempt WHERE state = 'offered' ORDER BY offered_at, attempt_id")
                .map(Self.record)
        }
    }

    public func remoteAttempt(runPk: Int64, taskId: String, tryNumber: Int) throws -> RemoteAttemptRecord? {
        try locked {
            try db.queryOne("""
                SELECT \(Self.columns) FROM remote_attempt WHERE run_pk = ? AND task_id = ? AND try_number = ?
                ORDER BY attempt_id DESC LIMIT 1
                """, [runPk, taskId, tryNumber]).map(Self.record)
        }
    }

    @discardableResult
    public func revokeRemoteAttempt(runPk: Int64, taskId: String, tryNumber: Int, as state: RemoteAttemptRecord.State,
                                    now: Date) throws -> Bool {
        try write {
            try db.execute("""
                UPDATE remote_attempt SET state = ?, version = \(Self.nextVersion)
                WHERE run_pk = ? AND task_id = ? AND try_number = ? AND state IN ('offered', 'leased')
                """, [state.rawValue, runPk, taskId, tryNumber]) > 0
        }
    }

    public func requestRemoteStop(runPk: Int64, taskId: String, tryNumber: Int, signal: String) throws {
        try write {
            _ = try db.execute("""
                UPDATE remote_attempt SET stop_signal = ?, version = \(Self.nextVersion)
                WHERE run_pk = ? AND task_id = ? AND try_number = ? AND state IN ('offered', 'leased')
                """, [signal, runPk, taskId, tryNumber])
        }
    }

    static func record(_ r: SQLiteRow) throws -> RemoteAttemptRecord {
        guard let id = r["attempt_id"].int64, let runPk = r["run_pk"].int64, let taskId = r["task_id"].string,
              let tryNumber = r["try_number"].int, let dagId = r["dag_id"].string, let queue = r["queue"].string,
              let sha = r["bundle_sha256"].string, let spec = r["spec"].string,
              let state = r["state"].string.flatMap(RemoteAttemptRecord.State.init), let epoch = r["epoch"].int,
              let version = r["version"].int64, let offeredAt = r["offered_at"].date else {
            throw RowDecodingError(table: "remote_attempt", row: "attempt_id \(r["attempt_id"].int64.map(String.init) ?? "?")",
                                   column: "*", found: "a missing or mistyped value", expected: "every column set")
        }
        let outcome = try r["outcome"].string.map { try JSONDecoder().decode(AttemptOutcome.self, from: Data($0.utf8)) }
        return RemoteAttemptRecord(attemptId: id, runPk: runPk, taskId: taskId, tryNumber: tryNumber, dagId: dagId,
                                   queue: queue, bundleSHA256: sha, spec: spec, state: state, epoch: epoch,
                                   secretHash: r["secret_hash"].string, worker: r["worker"].string,
                                   offeredAt: offeredAt, leasedAt: r["leased_at"].date, heartbeatAt: r["heartbeat_at"].date,
                                   stopSignal: r["stop_signal"].string, outcome: outcome, version: version)
    }
}
