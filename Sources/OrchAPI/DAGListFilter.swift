import OrchCore
import OrchHTTPServer

/// The DAG list's search and filters (`GET /dags`), read from the query and applied to the summaries in
/// DAG order. Every parameter is optional; a bad value is a 400 naming it.
struct DAGListFilter {
    var idPattern: String?
    var tag: String?
    var owner: String?
    var paused: Bool?
    var lastState: String?
    var failingFirst = false

    static let lastStates = RunState.allCases.map(\.rawValue) + ["none"]

    init(_ request: HTTPRequest) throws {
        func text(_ name: String) -> String? { request.query[name].flatMap { $0.isEmpty ? nil : $0 } }
        idPattern = text("dag_id_pattern")?.lowercased()
        tag = text("tag")
        owner = text("owner")
        if let p = text("paused") {
            guard p == "true" || p == "false" else {
                throw APIError.badRequest("query parameter 'paused' must be true or false, got '\(p)'")
            }
            paused = p == "true"
        }
        if let s = text("last_state") {
            guard Self.lastStates.contains(s) else {
                throw APIError.badRequest("query parameter 'last_state' has unknown value '\(s)'; use "
                    + Self.lastStates.joined(separator: ", "))
            }
            lastState = s
        }
        if let o = text("order_by") {
            guard o == "failing_first" || o == "dag_id" else {
                throw APIError.badRequest("query parameter 'order_by' must be dag_id or failing_first, got '\(o)'")
            }
            failingFirst = o == "failing_first"
        }
    }

    func apply(_ dags: [DAGSummaryDTO]) -> [DAGSummaryDTO] {
        let kept = dags.filter { d in
            (idPattern.map { d.dag_id.lowercased().contains($0) } ?? true)
                && (tag.map(d.tags.contains) ?? true)
                && (owner.map { $0 == d.owner } ?? true)
                && (paused.map { $0 == d.is_paused } ?? true)
                && (lastState.map { $0 == (d.last_run?.state ?? "none") } ?? true)
        }
        guard failingFirst else { return kept }
        // Stable: failing DAGs first, each group in DAG order.
        return kept.filter { $0.last_run?.state == "failed" } + kept.filter { $0.last_run?.state != "failed" }
    }
}
