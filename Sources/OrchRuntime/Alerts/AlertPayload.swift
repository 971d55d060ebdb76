import Foundation

/// The JSON body POSTed to a webhook. Every key is always present (null when it does not apply), keys are
/// sorted, and the body is written once at enqueue time and sent byte for byte on every attempt.
/// `text` is a Slack-compatible message, so a Slack incoming webhook accepts the body as it is.
public struct AlertPayload: Sendable, Codable, Equatable {
    public var event: String
    public var deliveryId: String
    public var dagId: String
    public var runId: String?
    public var logicalDate: String?
    public var taskId: String?
    public var tryNumber: Int?
    public var state: String
    public var error: String?
    public var detail: String?
    /// The last lines of the attempt's log (bounded), or null when there is no log.
    public var logTail: String?
    public var dashboardURL: String
    public var occurredAt: String
    public var text: String

    enum CodingKeys: String, CodingKey {
        case event, state, error, detail, text
        case deliveryId = "delivery_id", dagId = "dag_id", runId = "run_id", logicalDate = "logical_date"
        case taskId = "task_id", tryNumber = "try_number", logTail = "log_tail", dashboardURL = "dashboard_url"
        case occurredAt = "occurred_at"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(event, forKey: .event)
        try c.encode(deliveryId, forKey: .deliveryId)
        try c.encode(dagId, forKey: .dagId)
        try c.encode(runId, forKey: .runId)
        try c.encode(logicalDate, forKey: .logicalDate)
        try c.encode(taskId, forKey: .taskId)
        try c.encode(tryNumber, forKey: .tryNumber)
        try c.encode(state, forKey: .state)
        try c.encode(error, forKey: .error)
        try c.encode(detail, forKey: .detail)
        try c.encode(logTail, forKey: .logTail)
        try c.encode(dashboardURL, forKey: .dashboardURL)
        try c.encode(occurredAt, forKey: .occurredAt)
        try c.encode(text, forKey: .text)
    }

    /// The body bytes as text: sorted keys, no escaped slashes.
    public func jsonText() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding a struct of strings and numbers cannot fail.
        return (try? encoder.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }
}
