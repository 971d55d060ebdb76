import Foundation
import OrchCore

/// What one retention pass removed.
public struct RetentionReport: Sendable, Equatable {
    /// The deleted runs, so the caller can remove their log folders.
    public var runs: [(dagId: String, runId: String)]
    /// The log files of the deleted attempts, as recorded (logs of older versions may sit in other folders).
    public var logPaths: [String] = []
    public var taskInstances: Int
    public var attempts: Int
    public var xcoms: Int
    public var alerts: Int

    public static func == (a: RetentionReport, b: RetentionReport) -> Bool {
        a.runs.map { "\($0.dagId)/\($0.runId)" } == b.runs.map { "\($0.dagId)/\($0.runId)" }
            && a.taskInstances == b.taskInstances && a.attempts == b.attempts && a.xcoms == b.xcoms
            && a.alerts == b.alerts
    }
}

extension SQLiteStateStore {
    /// Deletes finished runs (success or failed) whose logical date is before `cutoff` and that ended before
    /// `endedBefore` (so whoever follows a run that just ended still sees its end), with their task
    /// instances, attempts, XComs and alerts (alerts still waiting in the outbox are kept, so none is lost).
    /// Queued and running runs are never touched. Works in batches of `batchSize` runs, one short write
    /// transaction each, so a scheduler or web server on the same file never waits long.
    public func deleteFinishedRuns(before cutoff: Date, endedBefore: Date, batchSize: Int = 200) throws -> RetentionReport {
        var report = RetentionReport(runs: [], taskInstances: 0, attempts: 0, xcoms: 0, alerts: 0)
        while true {
            let batch: [(pk: Int64, dagId: String, runId: String)] = try write {
                try checkFence()   // the scheduler's retention job: a deposed scheduler deletes nothing
                let rows = try db.query("""
                    SELECT id, dag_id, run_id FROM dag_run
                    WHERE state IN ('success', 'failed') AND logical_date < ? AND coalesce(end_date, 0) < ?
                    ORDER BY id LIMIT ?
                    """, [cutoff.unix, endedBefore.unix, batchSize])
                var done: [(pk: Int64, dagId: String, runId: String)] = []
                for row in rows {
                    guard let pk = row["id"].int64, let dagId = row["dag_id"].string,
                          let runId = row["run_id"].string else { continue }
                    report.logPaths += try db.query("SELECT log_path FROM task_attempt WHERE run_pk = ?", [pk])
                        .compactMap { $0["log_path"].string }
                    let (instances, attempts, xcoms, alerts) = try deleteRunRows(pk: pk, dagId: dagId, runId: runId)
                    report.taskInstances += instances
                    report.attempts += attempts
                    report.xcoms += xcoms
                    report.alerts += alerts
                    done.append((pk, dagId, runId))
                }
                return done
            }
            report.runs += batch.map { ($0.dagId, $0.runId) }
            if batch.count < batchSize { return report }
        }
    }

    /// Gives freed pages back to the file system (`VACUUM`); needs no open transaction on this connection.
    public func vacuum() throws {
        try locked { _ = try db.execute("VACUUM") }
    }

    /// Page count × page size: the database file's logical size in bytes (on PostgreSQL, the database's size).
    public func databaseBytes() throws -> Int {
        try locked {
            if db.dialect == .postgres {
                return try db.queryOne("SELECT pg_database_size(current_database()) AS n")?["n"].int ?? 0
            }
            let pages = try db.queryOne("PRAGMA page_count")?[0].int ?? 0
            let size = try db.queryOne("PRAGMA page_size")?[0].int ?? 0
            return pages * size
        }
    }
}
