/// Which events alert, per DAG (and per task, by override). Delivered to the configured webhooks.
public struct AlertRules: Sendable, Hashable, Codable {
    /// A task failed after its last retry.
    public var onTaskFailure: Bool
    /// A task failed and will be retried.
    public var onTaskRetry: Bool
    /// A run ended failed.
    public var onRunFailure: Bool
    /// A run ended success (opt-in).
    public var onRunSuccess: Bool
    /// A run not finished this many minutes after its data interval ends.
    public var runDeadlineMinutes: Double?
    /// Tasks whose alerts are switched off (per-task override).
    public var mutedTasks: Set<String>

    public init(onTaskFailure: Bool = true, onTaskRetry: Bool = false, onRunFailure: Bool = true,
                onRunSuccess: Bool = false, runDeadlineMinutes: Double? = nil, mutedTasks: Set<String> = []) {
        self.onTaskFailure = onTaskFailure
        self.onTaskRetry = onTaskRetry
        self.onRunFailure = onRunFailure
        self.onRunSuccess = onRunSuccess
        self.runDeadlineMinutes = runDeadlineMinutes
        self.mutedTasks = mutedTasks
    }
}
