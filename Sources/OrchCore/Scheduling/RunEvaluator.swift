import Foundation

/// What the state machine knows of one task instance.
public struct TaskInstanceSnapshot: Sendable, Hashable {
    public var taskId: String
    public var state: TaskState
    public var tryNumber: Int
    public var nextRetryAt: Date?
    /// Tries allowed in all (retries + 1; clearing a task adds more).
    public var maxTries: Int

    public init(taskId: String, state: TaskState, tryNumber: Int = 0, nextRetryAt: Date? = nil, maxTries: Int = 1) {
        self.taskId = taskId
        self.state = state
        self.tryNumber = tryNumber
        self.nextRetryAt = nextRetryAt
        self.maxTries = maxTries
    }
}

/// A decision about one run, for the runtime to carry out.
public enum RunDecision: Sendable, Hashable {
    /// The task's trigger rule is met (or its retry delay has passed): it may take a worker slot.
    case schedule(task: String)
    /// An upstream failed under the task's trigger rule: it will not run.
    case upstreamFailed(task: String)
    /// The trigger rule says skip.
    case skip(task: String)
    /// Every task is finished: the run ends in this state.
    case finishRun(RunState)
}

/// The pure heart of scheduling one run: given the DAG, the task states and the time, what happens next.
/// No I/O and no clock of its own, so tests drive it with any `now`.
public enum RunEvaluator {
    /// Decisions for one run. Decisions cascade within one call: a task marked upstream_failed here
    /// makes its downstream upstream_failed in the same call.
    public static func evaluate(dag: DAG, order: [String], instances: [String: TaskInstanceSnapshot],
                                now: Date) -> [RunDecision] {
        var states = instances.mapValues(\.state)
        var decisions: [RunDecision] = []
        for taskId in order {
            guard let task = dag.task(taskId), let ti = instances[taskId] else { continue }
            switch states[taskId] ?? .none {
            case .none:
                let summary = UpstreamSummary(states: task.upstream.map { states[$0] ?? .none })
                switch task.triggerRule.verdict(summary) {
                case .ready:
                    decisions.append(.schedule(task: taskId)); states[taskId] = .scheduled
                case .upstreamFailed:
                    decisions.append(.upstreamFailed(task: taskId)); states[taskId] = .upstreamFailed
                case .skip:
                    decisions.append(.skip(task: taskId)); states[taskId] = .skipped
                case .wait:
                    break
                }
            case .upForRetry:
                if let at = ti.nextRetryAt, at > now { break }
                decisions.append(.schedule(task: taskId)); states[taskId] = .scheduled
            default:
                break
            }
        }
        if order.allSatisfy({ (states[$0] ?? .none).isFinished }) {
            decisions.append(.finishRun(outcome(dag: dag, states: states)))
        }
        return decisions
    }

    /// A finished run fails if any leaf failed or was upstream_failed (Airflow's rule); else it succeeds.
    public static func outcome(dag: DAG, states: [String: TaskState]) -> RunState {
        for leaf in dag.leaves {
            if let s = states[leaf], s == .failed || s == .upstreamFailed { return .failed }
        }
        return .success
    }

    /// The earliest retry time among tasks waiting to retry, so the runtime knows when to look again.
    public static func nextWake(instances: [String: TaskInstanceSnapshot]) -> Date? {
        instances.values.filter { $0.state == .upForRetry }.compactMap(\.nextRetryAt).min()
    }
}
