import Foundation
import OrchCore
import OrchHTTPServer
import OrchStore

/// Request bodies and filters that orch's API and the Airflow-compatible one read the same way.
extension HTTPRequest {
    /// The body of a pause or unpause: `{"is_paused": true}` or `{"is_paused": false}`, nothing else.
    func pausedFlag() throws -> Bool {
        let body = try jsonObject()
        try body.rejectUnknown(allowed: ["is_paused"])
        guard let paused = try body.bool("is_paused") else {
            throw APIError.badRequest("send {\"is_paused\": true} or {\"is_paused\": false}")
        }
        return paused
    }

    /// The runs of `dagId` (every DAG for `~`) filtered by state, run type and logical-date range, one page.
    func runQuery(dagId: String, limit: Int, offset: Int) throws -> RunQuery {
        RunQuery(dagId: dagId == "~" ? nil : dagId,
                 states: try enumListQuery("state", RunState.self),
                 runTypes: try enumListQuery("run_type", RunType.self),
                 logicalFrom: try dateQuery("logical_date_gte"),
                 logicalTo: try dateQuery("logical_date_lte"),
                 limit: limit, offset: offset)
    }
}
