import Foundation
import OrchCore
import OrchSQLite

/// The one decoder per record type of the state database. Each throws ``RowDecodingError`` on a value that
/// is missing or not what the schema says, instead of reading it as a default.
extension SQLiteStateStore {
    /// A `dag_run` row (also a `r.*` of a join). An empty conf (`{}`, nearly every scheduled run) is not sent
    /// through the JSON parser: listings read many runs a second.
    static func runRecord(_ r: SQLiteRow) throws -> RunRecord {
        let c = RowReader(r, table: "dag_run", key: ["id", "run_id"])
        let conf = r["conf"].string == "{}" ? [:] : try c.object("conf")
        return RunRecord(pk: try c.int64("id"), dagId: try c.string("dag_id"), runId: try c.string("run_id"),
                         runType: try c.value("run_type", RunType.self), state: try c.value("state", RunState.self),
                         logicalDate: try c.date("logical_date"),
                         dataInterval: DataInterval(start: try c.date("interval_start"), end: try c.date("interval_end")),
                         conf: conf, owner: try c.optionalString("owner"), queuedAt: try c.date("queued_at"),
                         startDate: try c.optionalDate("start_date"), endDate: try c.optionalDate("end_date"),
                         dagVersion: try c.optionalString("dag_version"))
    }

    /// A `task_instance` row.
    static func taskInstanceRecord(_ r: SQLiteRow) throws -> TaskInstanceRecord {
        let c = RowReader(r, table: "task_instance", key: ["run_pk", "task_id"])
        return TaskInstanceRecord(runPk: try c.int64("run_pk"), taskId: try c.string("task_id"),
                                  state: try c.value("state", TaskState.self), tryNumber: try c.int("try_number"),
                                  maxTries: try c.int("max_tries"), nextRetryAt: try c.optionalDate("next_retry_at"),
                                  startDate: try c.optionalDate("start_date"), endDate: try c.optionalDate("end_date"),
                                  pid: try c.optionalInt("pid"), error: try c.optionalString("error"))
    }

    /// A `task_attempt` row.
    static func attemptRecord(_ r: SQLiteRow) throws -> AttemptRecord {
        let c = RowReader(r, table: "task_attempt", key: ["id"])
        return AttemptRecord(id: try c.int64("id"), runPk: try c.int64("run_pk"), taskId: try c.string("task_id"),
                             tryNumber: try c.int("try_number"), state: try c.value("state", TaskState.self),
                             isolation: try c.string("isolation"), pid: try c.optionalInt("pid"),
                             pidStartTicks: try c.optionalInt64("pid_start_ticks"), startDate: try c.date("start_date"),
                             endDate: try c.optionalDate("end_date"), exitCode: try c.optionalInt("exit_code"),
                             signal: try c.optionalInt("signal"), error: try c.optionalString("error"),
                             logPath: try c.string("log_path"))
    }
}
