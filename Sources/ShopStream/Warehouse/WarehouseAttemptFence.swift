import Foundation
import OrchPostgres

/// Fences a task's warehouse sessions by its try number, so that a try the scheduler has given up on cannot write
/// any more (issue 19: a remote worker frozen or cut off past its lease, whose task process may still be alive).
///
/// Every connection a task opens is named after its attempt (`application_name` = `orch:<run key>:<task>:<try>`,
/// the run key a CRC-32 of the DAG and run ids, so the name fits PostgreSQL's 63 bytes). When a try connects, it
/// ends, with `pg_terminate_backend`, the sessions of the earlier tries of the same task in the same run. The
/// scheduler starts try n+1 only once it has given try n up, so those sessions belong to a zombie: ending them
/// rolls back the transaction it had open (its rows, its locks, which would otherwise keep try n+1 waiting for
/// as long as the zombie stays frozen) and leaves it no connection to commit on. A zombie that connects only
/// later is not fenced off by this; the loads are idempotent for that case (bronze: consumer offsets in the same
/// transaction and a unique key per message; silver upserts; gold rebuilds its interval).
///
/// Ending another session needs the same database role (or `pg_signal_backend`): the tasks all use the
/// warehouse's one role.
public struct WarehouseAttemptFence: Sendable, Equatable {
    /// `orch:<run key>:<task>:` — every try of this task in this run.
    public let taskPrefix: String
    public let tryNumber: Int

    public init(dagId: String, runId: String, taskId: String, tryNumber: Int) {
        let key = Array("\(dagId)\u{0}\(runId)".utf8).withUnsafeBytes { CRC32.checksum($0) }
        taskPrefix = "orch:" + String(format: "%08x", key) + ":\(taskId):"
        self.tryNumber = tryNumber
    }

    /// The `application_name` of this try's sessions.
    public var applicationName: String { taskPrefix + String(tryNumber) }

    /// Names `connection` after this try and ends the sessions of earlier tries; returns how many it ended.
    @discardableResult
    public func apply(to connection: PGConnection) throws -> Int {
        try connection.execute("SELECT set_config('application_name', $1, false)", [applicationName])
        let ended = try connection.execute("""
            SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity
            WHERE datname = current_database() AND pid <> pg_backend_pid()
              AND left(application_name, length($1)) = $1
              AND CASE WHEN substr(application_name, length($1) + 1) ~ '^[0-9]{1,9}$'
                       THEN substr(application_name, length($1) + 1)::int < $2 ELSE false END
            """, [taskPrefix, tryNumber])
        return try ended.scalarInt()
    }
}
