/// One run of a DAG walked one task at a time, in dependency order, with nothing persisted: `orch dags test`
/// (Airflow's `dags test` without an executor; Dagster's `execute_in_process`). Pure: the caller runs the task
/// `next()` names and reports how it ended with `finished`; the trigger rules, asset-check blocking and the run's
/// outcome are the engine's own (``TriggerRule/verdict(_:)``, ``CheckBlocking``, ``RunEvaluator/outcome(dag:states:)``).
///
/// Each task is looked at once, after every upstream of it has a final state (the DAG's topological order), so a
/// trigger rule never has to wait; a task is tried once (no retries: a test run shows the first failure).
public struct SerialRunWalk: Sendable {
    /// What to do with the next task.
    public enum Next: Sendable, Equatable {
        /// Run its body now, then call `finished`.
        case run(task: String)
        /// Not run: its state is decided already (`success` for a task the caller marks successful, or
        /// `upstream_failed`, `skipped`, `blocked_by_check`), with the reason when there is one.
        case decided(task: String, state: TaskState, reason: String?)
    }

    public let dag: DAG
    private let order: [String]
    private let markedSuccessful: Set<String>
    private var position = 0
    /// Every task's state so far (tasks not reached yet are absent).
    public private(set) var states: [String: TaskState] = [:]
    private var failedChecks: [CheckBlocking.FailedCheck] = []

    /// `markedSuccessful`: tasks not to run but to count as successful (`--mark-success-pattern`).
    public init(dag: DAG, markedSuccessful: Set<String> = []) {
        self.dag = dag
        self.order = DAGValidator.topologicalOrder(dag)
        self.markedSuccessful = markedSuccessful
    }

    /// The number of tasks the walk goes through.
    public var taskCount: Int { order.count }

    /// The next task and what to do with it; nil once every task has a state. A `.decided` task's state is
    /// recorded here; a `.run` task's waits for `finished`.
    public mutating func next() -> Next? {
        guard position < order.count else { return nil }
        let id = order[position]
        position += 1
        let task = dag.task(id)
        let upstream = UpstreamSummary(states: (task?.upstream ?? []).map { states[$0] ?? .none })
        let decision: Next
        switch (task?.triggerRule ?? .allSuccess).verdict(upstream) {
        case .ready:
            if let reason = CheckBlocking.reason(inlets: task?.assets.inlets ?? [], failed: failedChecks) {
                decision = .decided(task: id, state: .blockedByCheck, reason: reason)
            } else if markedSuccessful.contains(id) {
                decision = .decided(task: id, state: .success, reason: "marked successful, not run")
            } else {
                return .run(task: id)
            }
        case .skip:
            decision = .decided(task: id, state: .skipped, reason: "skipped by its trigger rule (\((task?.triggerRule ?? .allSuccess).rawValue))")
        case .upstreamFailed, .wait:
            // `.wait` cannot happen: every upstream comes earlier in the order and has a final state.
            decision = .decided(task: id, state: .upstreamFailed, reason: "an upstream task failed")
        }
        if case .decided(_, let state, _) = decision { states[id] = state }
        return decision
    }

    /// How the task `next()` said to run ended, with the results of the asset checks it ran (a failed `.error`
    /// check blocks the tasks that read its asset, as in a scheduled run).
    public mutating func finished(_ task: String, outcome: AttemptOutcome, checks: [AssetCheckRecord] = []) {
        switch outcome {
        case .success: states[task] = .success
        case .skipped: states[task] = .skipped
        case .failed, .crashed, .timedOut: states[task] = .failed
        }
        for c in checks where c.severity == .error && !c.outcome.passed {
            failedChecks.append(CheckBlocking.FailedCheck(asset: c.asset, name: c.name))
        }
    }

    /// The run's state once every task has one (Airflow's rule: failed if a leaf failed or was upstream_failed).
    public var runState: RunState { RunEvaluator.outcome(dag: dag, states: states) }
}
