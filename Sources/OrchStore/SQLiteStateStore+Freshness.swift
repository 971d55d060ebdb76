import Foundation

extension SQLiteStateStore {
    /// When a task last succeeded in any run of its DAG (the end of its successful attempt), or nil if never.
    /// The Insights dashboards show it as the freshness of the assets the task produces.
    public func lastSuccess(dagId: String, taskId: String) throws -> Date? {
        try locked {
            try db.queryOne("""
                SELECT max(ti.end_date) AS at FROM task_instance ti JOIN dag_run r ON r.id = ti.run_pk
                WHERE r.dag_id = ? AND ti.task_id = ? AND ti.state = 'success'
                """, [dagId, taskId])?["at"].double.map { Date(timeIntervalSince1970: $0) }
        }
    }
}
