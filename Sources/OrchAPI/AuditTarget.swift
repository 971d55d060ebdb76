import Foundation
import OrchHTTPServer

/// The ids an audit entry records for an API change: the path's parameters (`dag_id`, `run_id`, `name`), the
/// run id a trigger created, and the request fields that say which way a change went (`is_paused`, `state`,
/// `task_ids`, `role`). Never a token, a conf or any other body value.
enum AuditTarget {
    static let bodyFields = ["is_paused", "state", "task_ids", "include_downstream", "role", "name", "new_state",
                             "dry_run", "run_ids", "run_states", "task_states", "logical_date_gte", "logical_date_lte"]

    static func ids(request: HTTPRequest, response: HTTPResponse) -> [String: String] {
        var ids = request.pathParameters
        if let body = try? JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any] {
            for field in bodyFields {
                switch body[field] {
                case let text as String: ids[field] = text
                case let flag as Bool: ids[field] = flag ? "true" : "false"
                case let list as [String]: ids[field] = list.joined(separator: ",")
                default: break
                }
            }
        }
        // A bulk action's changed runs (its answer lists them).
        if let answer = try? JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any],
           let changed = answer["changed_run_ids"] as? [String] {
            ids["changed_run_ids"] = changed.joined(separator: ",")
        }
        // A triggered run's id: /api/v1 answers 201 with run_id, Airflow's /api/v2 200 with dag_run_id.
        if ids["run_id"] == nil, ids["dag_run_id"] == nil, request.method == "POST", response.status == 201 || response.status == 200,
           let created = try? JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any],
           let runId = (created["run_id"] ?? created["dag_run_id"]) as? String {
            ids["run_id"] = runId
        }
        return ids
    }
}
