import Foundation
import OrchCore
import OrchSQLite

extension SQLiteStateStore {
    public func taskInstances(runPk: Int64) throws -> [TaskInstanceRecord] {
        try locked {
            try db.query("SELECT * FROM task_instance WHERE run_pk = ? ORDER BY task_id", [runPk]).map(Self.taskInstanceRecord)
        }
    }

    public func setTaskStates(runPk: Int64, _ changes: [(taskId: String, state: TaskState)], now: Date) throws {
        guard !changes.isEmpty else { return }
        try write {
            for c in changes {
                let ends = c.state.isFinished
                try db.execute("""
                    UPDATE task_instance SET state = ?, end_date = CASE WHEN ? THEN coalesce(end_date, ?) ELSE end_date END
                    WHERE run_pk = ? AND task_id = ?
                    """, [c.state.rawValue, ends, now.unix, runPk, c.taskId])
            }
        }
    }

    /// Records a new try as running and returns the attempt's id. Refuses a try that is already recorded,
    /// so the same try can never start twice.
    public func beginAttempt(runPk: Int64, taskId: String, tryNumber: Int, isolation: Isolation, logPath: String,
                             now: Date) throws -> Int64 {
        try write {
            try recordBegun(runPk: runPk, taskId: taskId, tryNumber: tryNumber, isolation: isolation, logPath: logPath,
                            now: now)
        }
    }

    /// The statements of an attempt's start, inside the caller's write (``beginAttempt`` and the engine's batch):
    /// the task instance moves to running from a waiting state, and the attempt row is added.
    func recordBegun(runPk: Int64, taskId: String, tryNumber: Int, isolation: Isolation, logPath: String,
                     now: Date) throws -> Int64 {
        // The states as ORs, not `IN (…)`: SQLite builds a temporary table for an IN list, once per launch.
        let changed = try db.execute("""
            UPDATE task_instance SET state = 'running', try_number = ?, start_date = ?, end_date = NULL,
                next_retry_at = NULL, pid = NULL, error = NULL
            WHERE run_pk = ? AND task_id = ?
                AND (state = 'none' OR state = 'scheduled' OR state = 'queued' OR state = 'up_for_retry')
            """, [tryNumber, now.unix, runPk, taskId])
        guard changed == 1 else {
            throw StoreError.conflict("task '\(taskId)' of run \(runPk) is not waiting to start")
        }
        return try db.insert("""
            INSERT INTO task_attempt (run_pk, task_id, try_number, state, isolation, start_date, log_path)
            VALUES (?, ?, ?, 'running', ?, ?, ?)
            """, [runPk, taskId, tryNumber, isolation.rawValue, now.unix, logPath])
    }

    public func recordAttemptProcess(attemptId: Int64, runPk: Int64, taskId: String, pid: Int,
                                     startTicks: Int64?) throws {
        try write {
            try recordProcess(AttemptProcess(attemptId: attemptId, key: AttemptKey(runPk: runPk, taskId: taskId),
                                             pid: pid, startTicks: startTicks))
        }
    }

    /// In a write transaction: the attempt's pid (and its start ticks), and its task instance's.
    func recordProcess(_ p: AttemptProcess) throws {
        try db.execute("UPDATE task_attempt SET pid = ?, pid_start_ticks = ? WHERE id = ?",
                       [p.pid, p.startTicks, p.attemptId])
        try db.execute("UPDATE task_instance SET pid = ? WHERE run_pk = ? AND task_id = ?",
                       [p.pid, p.key.runPk, p.key.taskId])
    }

    public func finishAttempt(runPk: Int64, taskId: String, tryNumber: Int, outcome: AttemptOutcome,
                              resolution: AttemptResolution, now: Date, alerts: [AlertDraft]) throws {
        try finishAttempt(runPk: runPk, taskId: taskId, tryNumber: tryNumber, outcome: outcome, resolution: resolution,
                          now: now, alerts: alerts, outlets: [])
    }

    /// As above, also recording a materialization of each of the task's `outlets` when the attempt succeeded
    /// (assets, issue 14), in the same transaction.
    public func finishAttempt(runPk: Int64, taskId: String, tryNumber: Int, outcome: AttemptOutcome,
                              resolution: AttemptResolution, now: Date, alerts: [AlertDraft], outlets: [String]) throws {
        let cols = AttemptEndColumns(outcome)
        let (exitCode, signal, error, attemptState) = (cols.exitCode, cols.signal, cols.error, cols.attemptState)
        try write {
            try db.execute("""
                UPDATE task_attempt SET state = ?, end_date = ?, exit_code = ?, signal = ?, error = ?
                WHERE run_pk = ? AND task_id = ? AND try_number = ?
                """, [attemptState.rawValue, now.unix, exitCode, signal, error, runPk, taskId, tryNumber])
            try db.execute("""
                UPDATE task_instance SET state = ?, end_date = ?, next_retry_at = ?, error = ?, pid = NULL
                WHERE run_pk = ? AND task_id = ? AND try_number = ?
                """, [resolution.state.rawValue, now.unix, resolution.nextRetryAt.unix, error, runPk, taskId,
                      tryNumber])
            try insertAlerts(alerts, now: now)
            try recordMaterializations(runPk: runPk, taskId: taskId, tryNumber: tryNumber, outlets: outlets,
                                       succeeded: attemptState == .success, now: now)
            try recordCheckResults(runPk: runPk, taskId: taskId, tryNumber: tryNumber,
                                   succeeded: attemptState == .success, now: now)
        }
    }

    public func attempts(runPk: Int64, taskId: String?) throws -> [AttemptRecord] {
        try locked {
            if let taskId {
                return try db.query("SELECT * FROM task_attempt WHERE run_pk = ? AND task_id = ? ORDER BY try_number",
                                    [runPk, taskId]).map(Self.attemptRecord)
            }
            return try db.query("SELECT * FROM task_attempt WHERE run_pk = ? ORDER BY start_date, id", [runPk])
                .map(Self.attemptRecord)
        }
    }

    /// Attempts still marked running anywhere (used after a restart to find orphans).
    public func runningAttempts() throws -> [AttemptRecord] {
        try locked { try db.query("SELECT * FROM task_attempt WHERE state = 'running'").map(Self.attemptRecord) }
    }

    /// Clears tasks so they run again (keeping their attempts); the run goes back to queued.
    public func clearTasks(runPk: Int64, taskIds: [String], now: Date) throws {
        try write { try clearTaskRows(runPk: runPk, taskIds: taskIds) }
    }

    /// ``clearTasks(runPk:taskIds:now:)`` inside the caller's write transaction (single and bulk clears).
    func clearTaskRows(runPk: Int64, taskIds: [String]) throws {
        for t in taskIds {
            // The cleared task gets more tries: max_tries grows by what was used.
            try db.execute("""
                UPDATE task_instance SET state = 'none', max_tries = max_tries + try_number, next_retry_at = NULL,
                    end_date = NULL, error = NULL
                WHERE run_pk = ? AND task_id = ? AND state NOT IN ('queued', 'running')
                """, [runPk, t])
        }
        try db.execute("UPDATE dag_run SET state = 'queued', end_date = NULL WHERE id = ?", [runPk])
    }
}
