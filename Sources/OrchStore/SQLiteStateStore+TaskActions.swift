import Foundation
import OrchCore

/// Hand actions on single tasks and whole runs (dashboard, API, CLI). They act on finished runs only: the
/// scheduler keeps an active run's task states in memory, so changing them under it would be lost or worse.
extension SQLiteStateStore {
    /// Marks tasks of a finished run success or failed. The run goes back to queued, so the scheduler decides
    /// its outcome again from the new task states (and starts whatever they now allow).
    public func markTasks(runPk: Int64, taskIds: [String], state: TaskState, now: Date) throws {
        guard state == .success || state == .failed else {
            throw StoreError.invalid("a task can be marked success or failed, not \(state.rawValue)")
        }
        try write {
            try requireFinishedRun(runPk, doing: "marking its tasks")
            try markTaskRows(runPk: runPk, taskIds: taskIds, state: state, now: now)
        }
    }

    /// ``markTasks(runPk:taskIds:state:now:)`` inside the caller's write transaction, the run known finished.
    func markTaskRows(runPk: Int64, taskIds: [String], state: TaskState, now: Date) throws {
        for t in taskIds {
            let changed = try db.execute("""
                UPDATE task_instance SET state = ?, end_date = coalesce(end_date, ?), next_retry_at = NULL
                WHERE run_pk = ? AND task_id = ?
                """, [state.rawValue, now.unix, runPk, t])
            guard changed == 1 else { throw StoreError.notFound("task '\(t)' of run \(runPk)") }
        }
        try db.execute("UPDATE dag_run SET state = 'queued', end_date = NULL WHERE id = ?", [runPk])
    }

    /// The rows of one run, inside the caller's write transaction: (task instances, attempts, xcoms, alerts).
    func deleteRunRows(pk: Int64, dagId: String, runId: String) throws -> (Int, Int, Int, Int) {
        let xcoms = try db.execute("DELETE FROM xcom WHERE run_pk = ?", [pk])
        let attempts = try db.execute("DELETE FROM task_attempt WHERE run_pk = ?", [pk])
        let instances = try db.execute("DELETE FROM task_instance WHERE run_pk = ?", [pk])
        try db.execute("""
            DELETE FROM alert_delivery WHERE alert_id IN
                (SELECT id FROM alert WHERE dag_id = ? AND run_id = ? AND state != 'pending')
            """, [dagId, runId])
        let alerts = try db.execute("DELETE FROM alert WHERE dag_id = ? AND run_id = ? AND state != 'pending'",
                                    [dagId, runId])
        try db.execute("DELETE FROM dag_run WHERE id = ?", [pk])
        return (instances, attempts, xcoms, alerts)
    }

    private func requireFinishedRun(_ pk: Int64, doing: String) throws {
        guard let row = try db.queryOne("SELECT run_id, state FROM dag_run WHERE id = ?", [pk]) else {
            throw StoreError.notFound("run \(pk)")
        }
        let state = row["state"].string ?? ""
        guard let s = RunState(rawValue: state), s.isFinished else {
            throw StoreError.conflict("run '\(row["run_id"].string ?? "")' is \(state); wait for it to finish "
                + "before \(doing), or mark the whole run")
        }
    }
}
