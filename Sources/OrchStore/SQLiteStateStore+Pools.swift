import Foundation
import OrchCore

/// A pool as the state database keeps it.
public struct PoolRecord: Sendable, Hashable {
    public var name: String
    public var slots: Int
    public var description: String
}

/// How many slots of a pool the active task instances hold, by state.
public struct PoolUsage: Sendable, Hashable {
    public var running = 0
    public var queued = 0
    public var scheduled = 0
    public init() {}
}

extension SQLiteStateStore {
    /// Every pool, by name.
    public func poolRecords() throws -> [PoolRecord] {
        try locked {
            try db.query("SELECT name, slots, description FROM pool ORDER BY name").map {
                let c = RowReader($0, table: "pool", key: ["name"])
                return PoolRecord(name: try c.string("name"), slots: try c.int("slots"), description: try c.string("description"))
            }
        }
    }

    /// Task instances that are scheduled, queued or running, with their run's DAG: what holds (or is about to hold)
    /// pool slots. The pool of each comes from the DAG's task definition.
    public func activeTaskInstances() throws -> [(dagId: String, taskId: String, state: TaskState)] {
        try locked {
            try db.query("""
                SELECT r.dag_id, t.task_id, t.state FROM task_instance t JOIN dag_run r ON r.id = t.run_pk
                WHERE t.state IN ('scheduled', 'queued', 'running')
                """).map {
                ($0["dag_id"].string ?? "", $0["task_id"].string ?? "", TaskState(rawValue: $0["state"].string ?? "") ?? .none)
            }
        }
    }
}
