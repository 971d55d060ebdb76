import Foundation
import OrchCore
import OrchStore

/// A state change that may alert, with what a message about it needs.
public struct AlertEvent: Sendable {
    public var kind: AlertEventKind
    public var dag: DAG
    public var run: RunRecord
    public var taskId: String?
    public var tryNumber: Int?
    public var state: String
    public var error: String?
    public var logPath: String?
    public var detail: String?

    public init(kind: AlertEventKind, dag: DAG, run: RunRecord, taskId: String? = nil, tryNumber: Int? = nil,
                state: String, error: String? = nil, logPath: String? = nil, detail: String? = nil) {
        self.kind = kind
        self.dag = dag
        self.run = run
        self.taskId = taskId
        self.tryNumber = tryNumber
        self.state = state
        self.error = error
        self.logPath = logPath
        self.detail = detail
    }
}

/// Turns an event into outbox rows (one per webhook target), or none when the DAG's rules say so.
/// The engine writes them in the same transaction as the state change.
public protocol AlertComposer: Sendable {
    func drafts(for event: AlertEvent) -> [AlertDraft]
}

/// No alerts (no webhook configured).
public struct NoAlerts: AlertComposer {
    public init() {}
    public func drafts(for event: AlertEvent) -> [AlertDraft] { [] }
}
