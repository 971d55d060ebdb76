import Foundation
import OrchCore
import OrchStore

/// A DAG run on the wire.
struct RunDTO: Codable, Sendable {
    let dag_id: String
    let run_id: String
    let run_type: String
    let state: String
    let logical_date: String
    let data_interval_start: String
    let data_interval_end: String
    /// Secrets masked (``SecretMask``).
    let conf: [String: JSONValue]
    let queued_at: String
    let start_date: String?
    let end_date: String?
    let duration_seconds: Double?
    /// Why a queued run is not running yet (``WaitingReason``).
    var waiting_reason: String?
    var waiting_code: String?
    /// The DAG version the run was created with (issue 13).
    let dag_version: String?

    init(_ r: RunRecord) { self.init(r, waiting: nil) }

    init(_ r: RunRecord, waiting: WaitingReasons?) {
        dag_id = r.dagId
        run_id = r.runId
        run_type = r.runType.rawValue
        state = r.state.rawValue
        logical_date = APIDate.format(r.logicalDate)
        data_interval_start = APIDate.format(r.dataInterval.start)
        data_interval_end = APIDate.format(r.dataInterval.end)
        conf = SecretMask.mask(r.conf)
        queued_at = APIDate.format(r.queuedAt)
        start_date = APIDate.format(r.startDate)
        end_date = APIDate.format(r.endDate)
        duration_seconds = durationSeconds(r.startDate, r.endDate)
        dag_version = r.dagVersion
        if let reason = waiting?.run(pk: r.pk) {
            waiting_reason = reason.description
            waiting_code = reason.code
        }
    }
}

/// `GET /dags/{dag_id}/runs`: one page.
struct RunPageDTO: Codable, Sendable {
    let runs: [RunDTO]
    let total_entries: Int
    let limit: Int
    let offset: Int
}

/// `GET /dags/{dag_id}/runs/{run_id}`: the run with its task instances.
struct RunDetailDTO: Codable, Sendable {
    let run: RunDTO
    let task_instances: [TaskInstanceDTO]
}

/// Answer to a clear request.
struct ClearResultDTO: Codable, Sendable {
    let run: RunDTO
    let cleared_task_ids: [String]
}

/// One cell of the grid.
struct GridCellDTO: Codable, Sendable {
    let task_id: String
    let state: String
    let try_number: Int
}

/// One column of the grid: a run and its task states.
struct GridRunDTO: Codable, Sendable {
    let run_id: String
    let run_type: String
    let state: String
    let logical_date: String
    let start_date: String?
    let end_date: String?
    let task_instances: [GridCellDTO]
}

/// `GET /dags/{dag_id}/grid`: the latest runs (newest first) × the DAG's tasks (in DAG order).
struct GridDTO: Codable, Sendable {
    let dag_id: String
    let task_ids: [String]
    let runs: [GridRunDTO]
    let total_runs: Int
    let limit: Int
    let offset: Int
}

func durationSeconds(_ start: Date?, _ end: Date?) -> Double? {
    guard let start else { return nil }
    return ((end ?? Date()).timeIntervalSince(start) * 1000).rounded() / 1000
}
