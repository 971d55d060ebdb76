import Foundation
import OrchCore
import OrchStore

/// Outbox rows for asset events (freshness), one per webhook target of a ``WebhookAlertComposer``; none without
/// webhooks. The alert is keyed by the attempt that last materialized the assets (its DAG, run and task), so the
/// outbox's one-alert-per-event rule also makes it once per stale period.
enum AssetAlerts {
    static func drafts(_ composer: AlertComposer, event: String, dagId: String, runId: String, taskId: String,
                       assets: [String], detail: String, now: Date) -> [AlertDraft] {
        guard let webhook = composer as? WebhookAlertComposer, !webhook.targets.isEmpty else { return [] }
        return webhook.targets.map { target in
            let id = webhook.makeDeliveryId()
            var p = AlertPayload(event: event, deliveryId: id, dagId: dagId, runId: runId, logicalDate: nil, taskId: taskId,
                                 tryNumber: nil, state: event == "asset_stale" ? "stale" : "fresh",
                                 error: nil, detail: "\(assets.joined(separator: ", ")): \(detail)", logTail: nil,
                                 dashboardURL: webhook.baseURL + "/#/assets", occurredAt: UTCFormat.iso(now), text: "")
            p.text = SlackText.message(for: p)
            return AlertDraft(deliveryId: id, event: event, target: target, dagId: dagId, runId: runId, taskId: taskId,
                              tryNumber: nil, payload: p.jsonText())
        }
    }
}
