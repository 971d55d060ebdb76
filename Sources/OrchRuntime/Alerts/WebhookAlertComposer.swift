import Foundation
import OrchCore
import OrchStore

/// Turns run-engine events into outbox rows, one per configured webhook, following the DAG's ``AlertRules``.
/// The payload (log tail included) is built here, once, so every attempt sends the same bytes.
public struct WebhookAlertComposer: AlertComposer {
    public let targets: [String]
    public let baseURL: String
    public let logTailLines: Int
    let clock: @Sendable () -> Date
    let makeDeliveryId: @Sendable () -> String

    public init(targets: [String], baseURL: String = AlertConfiguration.defaultBaseURL, logTailLines: Int = 20,
                clock: @escaping @Sendable () -> Date = { Date() },
                makeDeliveryId: @escaping @Sendable () -> String = { UUID().uuidString.lowercased() }) {
        self.targets = targets
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.logTailLines = logTailLines
        self.clock = clock
        self.makeDeliveryId = makeDeliveryId
    }

    /// From a validated configuration.
    public init(_ config: AlertConfiguration) {
        self.init(targets: config.webhooks, baseURL: config.baseURL)
    }

    /// Whether the DAG's rules ask for this event.
    public static func wants(_ event: AlertEvent) -> Bool {
        let rules = event.dag.alerts
        if let task = event.taskId, rules.mutedTasks.contains(task) { return false }
        switch event.kind {
        case .taskFailed: return rules.onTaskFailure
        case .taskRetry: return rules.onTaskRetry
        case .runFailed: return rules.onRunFailure
        case .runSucceeded: return rules.onRunSuccess
        // The engine raises deadlines only where a limit is set (run deadline or a task's running limit).
        case .deadlineMissed: return true
        }
    }

    public func drafts(for event: AlertEvent) -> [AlertDraft] {
        guard !targets.isEmpty, Self.wants(event) else { return [] }
        let logTail = event.logPath.flatMap { LogTail.read(path: $0, lines: logTailLines) }
        let now = clock()
        return targets.map { target in
            let id = makeDeliveryId()
            let payload = payload(for: event, deliveryId: id, logTail: logTail, now: now)
            return AlertDraft(deliveryId: id, event: event.kind.rawValue, target: target, dagId: event.dag.id,
                              runId: event.run.runId, taskId: event.taskId, tryNumber: event.tryNumber,
                              payload: payload.jsonText())
        }
    }

    func payload(for e: AlertEvent, deliveryId: String, logTail: String?, now: Date) -> AlertPayload {
        let link = dashboardLink(dagId: e.dag.id, runId: e.run.runId)
        let error = e.error.map { Self.bounded($0, 2_000) }
        var p = AlertPayload(event: e.kind.rawValue, deliveryId: deliveryId, dagId: e.dag.id, runId: e.run.runId,
                             logicalDate: isoString(e.run.logicalDate), taskId: e.taskId, tryNumber: e.tryNumber,
                             state: e.state, error: error, detail: e.detail, logTail: logTail, dashboardURL: link,
                             occurredAt: isoString(now), text: "")
        p.text = SlackText.message(for: p)
        return p
    }

    /// `<base>/#/dags/<dag>/runs/<run>`.
    public func dashboardLink(dagId: String, runId: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~:+")
        let enc = { (s: String) in s.addingPercentEncoding(withAllowedCharacters: allowed) ?? s }
        return "\(baseURL)/#/dags/\(enc(dagId))/runs/\(enc(runId))"
    }

    /// A test payload for `orch alerts test`.
    public func testPayload(deliveryId: String) -> AlertPayload {
        var p = AlertPayload(event: "test", deliveryId: deliveryId, dagId: "orch_test", runId: nil, logicalDate: nil,
                             taskId: nil, tryNumber: nil, state: "test", error: nil,
                             detail: "a test alert from orch alerts test", logTail: nil, dashboardURL: baseURL + "/",
                             occurredAt: isoString(clock()), text: "")
        p.text = SlackText.message(for: p)
        return p
    }

    static func bounded(_ s: String, _ limit: Int) -> String {
        s.count > limit ? String(s.prefix(limit)) + "…" : s
    }
}
