import Foundation
import OrchCore
import OrchSQLite

/// One cell of a DAG's grid: the state of a task in one run.
public struct GridCell: Sendable, Hashable {
    public var runPk: Int64
    public var taskId: String
    public var state: TaskState
    public var tryNumber: Int

    public init(runPk: Int64, taskId: String, state: TaskState, tryNumber: Int) {
        self.runPk = runPk
        self.taskId = taskId
        self.state = state
        self.tryNumber = tryNumber
    }
}

/// The state counts of a run's task instances, and how long its tasks ran.
public struct RecentRunMark: Sendable, Hashable {
    public var dagId: String
    public var runId: String
    public var state: RunState
    public var logicalDate: Date
}

/// Read queries the HTTP API needs beyond the runtime's: several runs' task instances in one query, the latest
/// runs of every DAG at once.
extension SQLiteStateStore {
    /// The task instances of the given runs in one query (the grid's cells), by run, each run's in task id order.
    public func gridCells(runPks: [Int64]) throws -> [Int64: [GridCell]] {
        guard !runPks.isEmpty else { return [:] }
        let marks = runPks.map { _ in "?" }.joined(separator: ",")
        var cells: [Int64: [GridCell]] = [:]
        var current: [GridCell] = []   // rows come grouped by run: collect one run's, then file them
        try locked {
            try db.forEachRow("""
                SELECT run_pk, task_id, state, try_number FROM task_instance WHERE run_pk IN (\(marks))
                ORDER BY run_pk, task_id
                """, runPks) { row in
                guard let state = row.string(2).flatMap(TaskState.init(rawValue:)), let taskId = row.string(1) else {
                    throw RowDecodingError(table: "task_instance", row: "run_pk \(row.int64(0))", column: "state",
                                           found: "'\(row.string(2) ?? "NULL")'", expected: "a task state")
                }
                let cell = GridCell(runPk: row.int64(0), taskId: taskId, state: state, tryNumber: row.int(3))
                if let last = current.last, last.runPk != cell.runPk {
                    cells[last.runPk] = current
                    current.removeAll(keepingCapacity: true)
                }
                current.append(cell)
            }
        }
        if let last = current.last { cells[last.runPk] = current }
        return cells
    }

    /// The latest `perDAG` runs of each DAG, newest first, in one query (the DAG list's coloured marks).
    public func recentRunMarks(perDAG: Int) throws -> [RecentRunMark] {
        try locked {
            try db.query("""
                SELECT r.dag_id, r.run_id, r.state, r.logical_date FROM dag d
                JOIN dag_run r ON r.id IN (SELECT id FROM dag_run WHERE dag_id = d.dag_id
                                          ORDER BY logical_date DESC, id DESC LIMIT ?)
                ORDER BY r.dag_id, r.logical_date DESC, r.id DESC
                """, [perDAG]).map { r in
                let c = RowReader(r, table: "dag_run", key: ["run_id"])
                return RecentRunMark(dagId: try c.string("dag_id"), runId: try c.string("run_id"),
                                     state: try c.value("state", RunState.self), logicalDate: try c.date("logical_date"))
            }
        }
    }

    /// Attempt by its run, task and try number.
    public func attempt(runPk: Int64, taskId: String, tryNumber: Int) throws -> AttemptRecord? {
        try locked {
            try db.queryOne("SELECT * FROM task_attempt WHERE run_pk = ? AND task_id = ? AND try_number = ?",
                            [runPk, taskId, tryNumber]).map(Self.attemptRecord)
        }
    }

    /// One task instance of a run.
    public func taskInstance(runPk: Int64, taskId: String) throws -> TaskInstanceRecord? {
        try locked {
            try db.queryOne("SELECT * FROM task_instance WHERE run_pk = ? AND task_id = ?", [runPk, taskId])
                .map(Self.taskInstanceRecord)
        }
    }

    /// True when the database answers a trivial query.
    public func ping() -> Bool {
        (try? locked { try db.queryOne("SELECT 1 AS ok")?["ok"].int }) == 1
    }
}

extension SQLiteStateStore {
    /// The latest runs of a DAG that have an XCom `key`, newest first, with that value (quality checks).
    public func latestXComs(dagId: String, key: String, limit: Int) throws
        -> [(run: RunRecord, taskId: String, value: JSONValue)] {
        try locked {
            try db.query("""
                SELECT r.*, x.task_id AS xcom_task_id, x.value AS xcom_value FROM xcom x
                JOIN dag_run r ON r.id = x.run_pk
                WHERE r.dag_id = ? AND x.key = ? ORDER BY r.logical_date DESC, r.id DESC LIMIT ?
                """, [dagId, key, limit]).map { row in
                (try Self.runRecord(row), row["xcom_task_id"].string ?? "",
                 (try? JSONValue.parse(row["xcom_value"].string ?? "null")) ?? .null)
            }
        }
    }
}

extension SQLiteStateStore {
    /// SQLite's `PRAGMA data_version` on this connection: it changes whenever another connection (or process)
    /// has committed since the last call, so a reader can tell cheaply whether anything changed. PostgreSQL has
    /// no such cheap signal: there the answer changes on every call (nothing may be taken as unchanged).
    public func dataVersion() throws -> Int {
        try locked {
            if db.dialect == .postgres {
                postgresVersionCalls += 1
                return postgresVersionCalls
            }
            return try db.queryOne("PRAGMA data_version")?[0].int ?? 0
        }
    }
}

extension SQLiteStateStore {
    /// Like ``runs(_:)``, for listings read many times a second (the run decoder skips parsing an empty conf).
    public func runsPage(_ q: RunQuery) throws -> [RunRecord] { try runs(q) }
}
