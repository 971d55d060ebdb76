import Foundation
import OrchCore
import OrchHTTPServer
import OrchStore

extension APIRoutes {
    /// The alert outbox (newest first, paged) and one alert with every delivery attempt.
    func addAlertRoutes() {
        get("/alerts") { request, store in
            let limit = try request.intQuery("limit", default: 50, range: 1...500)
            let offset = try request.intQuery("offset", default: 0, range: 0...10_000_000)
            let state = request.query["state"].flatMap { $0.isEmpty ? nil : $0 }
            if let state, !["pending", "delivered", "failed"].contains(state) {
                throw APIError.badRequest("query parameter 'state' must be pending, delivered or failed, got '\(state)'")
            }
            let dagId = request.query["dag_id"].flatMap { $0.isEmpty ? nil : $0 }
            let channelText = request.query["channel"].flatMap { $0.isEmpty ? nil : $0 } ?? "alerts"
            guard let channel = OutboxChannel(rawValue: channelText) else {
                throw APIError.badRequest("query parameter 'channel' must be alerts, lineage or all, got '\(channelText)'")
            }
            let query = AlertQuery(dagId: dagId, states: state.flatMap(AlertState.init(rawValue:)).map { [$0] } ?? [],
                                   limit: limit, offset: offset, channel: channel)
            return .api(AlertPageDTO(alerts: try store.alerts(query).map(AlertDTO.init),
                                     total_entries: try store.countAlerts(query), limit: limit, offset: offset))
        }

        get("/alerts/{alert_id}") { request, store in
            let id = try request.intPath("alert_id")
            guard let row = try store.alert(id: Int64(id)) else {
                throw APIError.notFound("no alert \(id); GET /api/v1/alerts lists them")
            }
            let payload = (try? JSONValue.parse(row.payload)) ?? .string(row.payload)
            return .api(AlertDetailDTO(alert: AlertDTO(row), payload: payload,
                                                  deliveries: try store.alertDeliveries(alertId: row.id, limit: 10_000).map(DeliveryDTO.init)))
        }
    }
}
