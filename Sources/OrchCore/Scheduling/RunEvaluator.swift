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
        // Decisions made in this pass, over the given states (no copy of the whole map).
        var changed: [String: TaskState] = [:]
        func state(_ id: String) -> TaskState { changed[id] ?? instances[id]?.state ?? .none }
        var decisions: [RunDecision] = []
        var unfinished = 0
        for taskId in order {
            guard let ti = instances[taskId] else { continue }
            switch ti.state {
            case .none:
                guard let task = dag.task(taskId) else { continue }
                let summary = UpstreamSummary(states: task.upstream.map(state))
                switch task.triggerRule.verdict(summary) {
                case .ready:
                    decisions.append(.schedule(task: taskId)); changed[taskId] = .scheduled
                case .upstreamFailed:
                    decisions.append(.upstreamFailed(task: taskId)); changed[taskId] = .upstreamFailed
                case .skip:
                    decisions.append(.skip(task: taskId)); changed[taskId] = .skipped
                case .wait:
                    break
                }
            case .upForRetry:
                if ti.nextRetryAt.map({ $0 <= now }) ?? true {
                    decisions.append(.schedule(task: taskId)); changed[taskId] = .scheduled
                }
            default:
                break
            }
            if !state(taskId).isFinished { unfinished += 1 }
        }
        if unfinished == 0 {
            var states = instances.mapValues(\.state)
            for (k, v) in changed { states[k] = v }
            decisions.append(.finishRun(outcome(dag: dag, states: states)))
        }
        return decisions
    }

    /// Decisions for the given tasks only (those whose upstreams just changed, or whose retry fell due), with
    /// the same cascade as `evaluate`: a decision for a task puts its downstream tasks up for evaluation too.
    /// Does not decide the run's end; the caller knows when no task is unfinished and asks `outcome`.
    /// Work is proportional to the tasks touched, not to the DAG's size.
    ///
    /// `upstream`: each task's upstream states counted, as the engine keeps them (``UpstreamSummary``); a task
    /// missing there has its upstreams looked at one by one.
    public static func evaluate(dag: DAG, candidates: some Sequence<String>, instances: [String: TaskInstanceSnapshot],
                                rank: [String: Int], downstream: [String: [String]],
                                upstream: [String: UpstreamSummary] = [:], now: Date) -> [RunDecision] {
        var changed: [String: TaskState] = [:]
        func state(_ id: String) -> TaskState { changed[id] ?? instances[id]?.state ?? .none }
        // Summaries moved by this evaluation's own decisions (a task skipped here counts for its downstream).
        var moved: [String: UpstreamSummary] = [:]
        func decide(_ taskId: String, from old: TaskState, to new: TaskState) {
            changed[taskId] = new
            for d in downstream[taskId] ?? [] {
                guard var s = moved[d] ?? upstream[d] else { continue }
                s.move(from: old, to: new)
                moved[d] = s
            }
        }
        // A worklist kept in topological rank order, so a task is looked at after its changed upstreams.
        var queue = RankQueue(candidates, rank: rank)
        var decisions: [RunDecision] = []
        while let taskId = queue.popMin() {
            guard let ti = instances[taskId], changed[taskId] == nil else { continue }
            var decision: RunDecision?
            switch ti.state {
            case .none:
                guard let task = dag.task(taskId) else { continue }
                let summary = moved[taskId] ?? upstream[taskId] ?? UpstreamSummary(states: task.upstream.map(state))
                switch task.triggerRule.verdict(summary) {
                case .ready: decision = .schedule(task: taskId); decide(taskId, from: .none, to: .scheduled)
                case .upstreamFailed: decision = .upstreamFailed(task: taskId); decide(taskId, from: .none, to: .upstreamFailed)
                case .skip: decision = .skip(task: taskId); decide(taskId, from: .none, to: .skipped)
                case .wait: break
                }
            case .upForRetry:
                if ti.nextRetryAt.map({ $0 <= now }) ?? true {
                    decision = .schedule(task: taskId); decide(taskId, from: .upForRetry, to: .scheduled)
                }
            default:
                break
            }
            if let decision {
                decisions.append(decision)
                if case .schedule = decision { continue }
                for d in downstream[taskId] ?? [] { queue.insert(d) }
            }
        }
        return decisions
    }

    /// A finished run fails if any leaf failed or was upstream_failed (Airflow's rule); else it succeeds.
    public static func outcome(dag: DAG, states: [String: TaskState]) -> RunState {
        for leaf in dag.leaves {
            if let s = states[leaf], s == .failed || s == .upstreamFailed || s == .blockedByCheck { return .failed }
        }
        return .success
    }

    /// The earliest retry time among tasks waiting to retry, so the runtime knows when to look again.
    public static func nextWake(instances: [String: TaskInstanceSnapshot]) -> Date? {
        instances.values.filter { $0.state == .upForRetry }.compactMap(\.nextRetryAt).min()
    }
}
