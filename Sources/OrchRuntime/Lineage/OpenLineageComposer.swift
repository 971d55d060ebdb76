import Foundation
import OrchCore
import OrchStore

/// Turns attempt starts and ends into outbox rows holding OpenLineage run events for the configured endpoint.
/// The engine writes them in the transaction that records the attempt's change, so an event exists exactly when
/// the change does; the alert dispatcher then delivers them (retries with backoff, one event of an attempt at a
/// time and in order, see ``SQLiteStateStore/claimDueAlerts(now:limit:claimSeconds:)``).
public struct OpenLineageComposer: Sendable {
    public let target: String
    public let builder: OpenLineageEventBuilder
    let makeDeliveryId: @Sendable () -> String

    /// Nil when no URL is configured.
    public init?(_ config: OpenLineageConfiguration, orchVersion: String,
                 makeDeliveryId: @escaping @Sendable () -> String = { UUID().uuidString.lowercased() }) {
        guard let url = config.url else { return nil }
        target = url
        builder = OpenLineageEventBuilder(namespace: config.namespace, producer: "urn:orch:\(orchVersion)",
                                          orchVersion: orchVersion)
        self.makeDeliveryId = makeDeliveryId
    }

    public func draft(_ type: OpenLineageEventType, _ attempt: OpenLineageAttempt, at time: Date,
                      rowsWritten: [String: Int] = [:], error: String? = nil) -> AlertDraft {
        let event = builder.event(type, attempt, at: time, rowsWritten: rowsWritten, error: error)
        return AlertDraft(deliveryId: makeDeliveryId(), event: type.outboxEvent, target: target, dagId: attempt.dagId,
                          runId: attempt.runId, taskId: attempt.taskId, tryNumber: attempt.tryNumber,
                          payload: event.jsonText)
    }
}
