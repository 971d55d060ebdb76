import Foundation
import OrchCore

/// A failed try with its run's names, for the "recent failures" list.
public struct FailedTry: Sendable {
    public let dagId: String
    public let runId: String
    public let attempt: AttemptRecord
}

extension SQLiteStateStore {
    /// The newest failed tries across every DAG (newest attempt first). Walks task_attempt backwards by rowid
    /// and stops after `limit` matches, so it reads few rows while failures are recent.
    public func recentFailedTries(limit: Int) throws -> [FailedTry] {
        try locked {
            try db.query("""
                SELECT a.*, r.dag_id AS r_dag_id, r.run_id AS r_run_id
                FROM task_attempt a JOIN dag_run r ON r.id = a.run_pk
                WHERE a.state = 'failed' ORDER BY a.id DESC LIMIT ?
                """, [limit]).map {
                FailedTry(dagId: $0["r_dag_id"].string ?? "", runId: $0["r_run_id"].string ?? "",
                          attempt: try Self.attemptRecord($0))
            }
        }
    }
}
