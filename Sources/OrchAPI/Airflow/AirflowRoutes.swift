import Foundation
import OrchCore
import OrchHTTPServer
import OrchStore

/// Airflow 3's public REST API under `/api/v2` (the part orch has an equivalent for) and the simple auth manager's
/// `POST /auth/token`. The shapes follow Airflow's OpenAPI document; `openapi/v2.json` is the subset served here.
extension APIRoutes {
    func addAirflowRoutes() {
        addAirflowDAGRoutes()
        addAirflowRunRoutes()
        addAirflowTaskInstanceRoutes()
        addAirflowLogAndXComRoutes()
        addAirflowMetaRoutes()
        addAirflowAuthRoutes()
    }
}

/// `limit`, `offset` and `order_by` as Airflow reads them (limit 50 by default; like Airflow's
/// `maximum_page_limit`, a larger limit is lowered to 100).
struct AirflowPage {
    static let maximumLimit = 100
    let limit: Int
    let offset: Int
    /// The requested order, e.g. `-logical_date`; nil when absent.
    let orderBy: String?

    init(_ request: HTTPRequest, orderable: Set<String>) throws {
        // An empty value counts as absent: airflowctl sends `limit=` when its --limit is not given.
        var request = request
        for name in ["limit", "offset"] where request.query[name] == "" { request.query[name] = nil }
        limit = min(Self.maximumLimit, try request.intQuery("limit", default: 50, range: 0...Int(Int32.max)))
        offset = try request.intQuery("offset", default: 0, range: 0...Int(Int32.max))
        let order = request.query["order_by"].flatMap { $0.isEmpty ? nil : $0 }
        if let order, !orderable.contains(order) {
            throw APIError.badRequest("order_by '\(order)' is not supported here; use one of "
                + orderable.sorted().joined(separator: ", "))
        }
        orderBy = order
    }

    func slice<T>(_ items: [T]) -> [T] { Array(items.dropFirst(offset).prefix(limit)) }
}

extension HTTPRequest {
    /// A boolean query parameter (`true`/`false`), or nil when absent.
    func boolQuery(_ name: String) throws -> Bool? {
        guard let text = query[name] else { return nil }
        switch text.lowercased() {
        case "true", "1": return true
        case "false", "0": return false
        default: throw APIError.badRequest("query parameter '\(name)' must be true or false, got '\(text)'")
        }
    }

    /// `map_index`: orch has no mapped tasks, so only -1 (Airflow's "not mapped") names a task instance.
    func requireUnmapped() throws {
        let index = try intQuery("map_index", default: -1, range: Int(Int32.min)...Int(Int32.max))
        guard index == -1 else {
            throw APIError.notFound("orch has no mapped tasks; map_index must be -1 (or left out), got \(index)")
        }
    }
}

extension [String: JSONValue] {
    /// Refuses a body field orch cannot honour (a note, an include_* flag) instead of silently ignoring it.
    func refuse(_ name: String, unless allowed: JSONValue?, _ why: String) throws {
        guard let value = self[name], value != .null, value != allowed else { return }
        throw APIError.badRequest("field '\(name)' = \(value.jsonText) is not supported: \(why)")
    }
}
