import Foundation
import OrchCore
import OrchSQLite

/// Counts for the metrics endpoint, each one indexed query.
extension SQLiteStateStore {
    /// Runs per state (from the trigger-kept `dag_run_count`).
    public func runCountsByState() throws -> [RunState: Int] {
        try locked {
            var counts: [RunState: Int] = [:]
            for r in try db.query("SELECT state, sum(n) AS n FROM dag_run_count GROUP BY state") {
                if let state = r["state"].string.flatMap(RunState.init(rawValue:)) { counts[state] = r["n"].int ?? 0 }
            }
            return counts
        }
    }

    /// Task instances per state.
    public func taskInstanceCountsByState() throws -> [TaskState: Int] {
        try locked {
            var counts: [TaskState: Int] = [:]
            for r in try db.query("SELECT state, count(*) AS n FROM task_instance GROUP BY state") {
                if let state = r["state"].string.flatMap(TaskState.init(rawValue:)) { counts[state] = r["n"].int ?? 0 }
            }
            return counts
        }
    }

    /// Scheduled, queued and running task instances by (DAG, task, state): the pool of a task is in its DAG, so
    /// the caller maps tasks to pools.
    public func activeTaskCounts() throws -> [(dagId: String, taskId: String, state: TaskState, count: Int)] {
        try locked {
            try db.query("""
                SELECT r.dag_id, t.task_id, t.state, count(*) AS n FROM task_instance t JOIN dag_run r ON r.id = t.run_pk
                WHERE t.state IN ('scheduled', 'queued', 'running') GROUP BY r.dag_id, t.task_id, t.state
                """).compactMap { r in
                guard let dag = r["dag_id"].string, let task = r["task_id"].string,
                      let state = r["state"].string.flatMap(TaskState.init(rawValue:)) else { return nil }
                return (dag, task, state, r["n"].int ?? 0)
            }
        }
    }
}
