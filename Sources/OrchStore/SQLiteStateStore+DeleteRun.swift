import Foundation
import OrchCore

extension SQLiteStateStore {
    /// Deletes one finished run with its task instances, attempts and XComs, and the alerts already delivered or
    /// given up for it (alerts still in the outbox are kept, as retention does). Refuses a queued or running run:
    /// mark it failed first, so no attempt is left without its run.
    public func deleteRun(pk: Int64) throws {
        try write {
            guard let row = try db.queryOne("SELECT dag_id, run_id, state FROM dag_run WHERE id = ?", [pk]),
                  let dagId = row["dag_id"].string, let runId = row["run_id"].string else {
                throw StoreError.notFound("no run with id \(pk)")
            }
            guard let state = row["state"].string, state == "success" || state == "failed" else {
                throw StoreError.conflict("run '\(runId)' of DAG '\(dagId)' is \(row["state"].string ?? "?"); "
                    + "mark it success or failed before deleting it")
            }
            _ = try deleteRunRows(pk: pk, dagId: dagId, runId: runId)
        }
    }
}
