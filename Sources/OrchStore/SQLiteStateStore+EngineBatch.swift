import Foundation
import OrchCore
import OrchSQLite

extension SQLiteStateStore: EngineStore {
    public func applyEngineBatch(_ batch: TransitionBatch, owner: String, begun: [AttemptKey: AttemptStart],
                                 processes: [AttemptProcess], alerts: [AlertDraft],
                                 now: Date) throws -> [AttemptKey: Int64] {
        try write {
            try checkFence()
            for pk in batch.startedRuns {
                try db.execute("""
                    UPDATE dag_run SET state = 'running', owner = ?, start_date = coalesce(start_date, ?)
                    WHERE id = ? AND state IN ('queued', 'running')
                    """, [owner, now.unix, pk])
            }
            for w in batch.attemptsWithdrawn {
                // Only a record with no process and no end: one that ran is never withdrawn.
                let removed = try db.execute("""
                    DELETE FROM task_attempt
                    WHERE run_pk = ? AND task_id = ? AND try_number = ? AND pid IS NULL AND end_date IS NULL
                    """, [w.key.runPk, w.key.taskId, w.tryNumber])
                guard removed == 1 else {
                    throw StoreError.conflict("attempt \(w.key.taskId) try \(w.tryNumber) of run \(w.key.runPk) started or ended")
                }
                try db.execute("""
                    UPDATE task_instance SET state = 'scheduled', try_number = try_number - 1, start_date = NULL, pid = NULL
                    WHERE run_pk = ? AND task_id = ? AND try_number = ? AND state IN ('running', 'queued')
                    """, [w.key.runPk, w.key.taskId, w.tryNumber])
            }
            for c in batch.taskChanges {
                try db.execute("""
                    UPDATE task_instance SET state = ?, end_date = CASE WHEN ? THEN coalesce(end_date, ?) ELSE end_date END,
                        error = coalesce(?, error)
                    WHERE run_pk = ? AND task_id = ?
                    """, [c.state.rawValue, c.state.isFinished, now.unix, c.error, c.key.runPk, c.key.taskId])
            }
            for p in processes { try recordProcess(p) }   // before the ends, which clear the task's pid
            for e in batch.attemptsEnded {
                let cols = AttemptEndColumns(e.outcome)
                try db.execute("""
                    UPDATE task_attempt SET state = ?, end_date = ?, exit_code = ?, signal = ?, error = ?
                    WHERE run_pk = ? AND task_id = ? AND try_number = ?
                    """, [cols.attemptState.rawValue, now.unix, cols.exitCode, cols.signal, cols.error, e.key.runPk,
                          e.key.taskId, e.tryNumber])
                try db.execute("""
                    UPDATE task_instance SET state = ?, end_date = ?, next_retry_at = ?, error = ?, pid = NULL
                    WHERE run_pk = ? AND task_id = ? AND try_number = ?
                    """, [e.resolution.state.rawValue, now.unix, e.resolution.nextRetryAt.unix, cols.error,
                          e.key.runPk, e.key.taskId, e.tryNumber])
                // Assets: materializations of the outlets and the results of the checks the attempt ran. A task
                // with neither has nothing to record (three statements less per attempt).
                guard e.touchesAssets else { continue }
                try recordMaterializations(runPk: e.key.runPk, taskId: e.key.taskId, tryNumber: e.tryNumber,
                                           outlets: e.outlets, succeeded: cols.attemptState == .success, now: now)
                try recordCheckResults(runPk: e.key.runPk, taskId: e.key.taskId, tryNumber: e.tryNumber,
                                       succeeded: cols.attemptState == .success, now: now)
            }
            var ids: [AttemptKey: Int64] = [:]
            for b in batch.attemptsBegun {
                guard let start = begun[b.key] else {
                    throw StoreError.invalid("attempt \(b.key.taskId) try \(b.tryNumber) of run \(b.key.runPk) has no log path")
                }
                ids[b.key] = try recordBegun(runPk: b.key.runPk, taskId: b.key.taskId, tryNumber: b.tryNumber,
                                             isolation: start.isolation, logPath: start.logPath, now: now)
            }
            for r in batch.finishedRuns {
                try db.execute("UPDATE dag_run SET state = ?, end_date = ?, owner = NULL WHERE id = ?",
                               [r.state.rawValue, now.unix, r.pk])
            }
            try insertAlerts(alerts, now: now)
            return ids
        }
    }
}
