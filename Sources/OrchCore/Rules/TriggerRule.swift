/// When a task may run, given the states of its upstream tasks (Airflow's trigger rules).
public enum TriggerRule: String, Sendable, Codable, CaseIterable {
    case allSuccess = "all_success"
    case allFailed = "all_failed"
    case allDone = "all_done"
    case oneSuccess = "one_success"
    case oneFailed = "one_failed"
    case noneFailed = "none_failed"
    case noneFailedMinOneSuccess = "none_failed_min_one_success"
    case always
}

/// What a trigger rule says about a task, given its upstreams now.
public enum TriggerVerdict: Sendable, Equatable {
    /// Run it.
    case ready
    /// Not yet: some upstream has not decided.
    case wait
    /// It will never run: upstream failure.
    case upstreamFailed
    /// It will never run: skip it.
    case skip
}

/// Counts of upstream states, the only input a trigger rule needs.
public struct UpstreamSummary: Sendable, Equatable {
    public var total = 0
    public var success = 0
    public var failed = 0          // failed, upstream_failed or blocked_by_check
    public var skipped = 0         // skipped or removed
    public var done: Int { success + failed + skipped }

    public init() {}
    public init(states: [TaskState]) {
        total = states.count
        for s in states { add(s, 1) }
    }

    /// One upstream went from `old` to `new` (the engine keeps each task's summary as its upstreams change).
    public mutating func move(from old: TaskState, to new: TaskState) {
        add(old, -1)
        add(new, 1)
    }

    private mutating func add(_ s: TaskState, _ n: Int) {
        switch s {
        case .success: success += n
        case .failed, .upstreamFailed, .blockedByCheck: failed += n
        case .skipped, .removed: skipped += n
        default: break
        }
    }
}

extension TriggerRule {
    /// Airflow's semantics, one rule at a time.
    public func verdict(_ u: UpstreamSummary) -> TriggerVerdict {
        if u.total == 0 { return .ready }
        let allDone = u.done == u.total
        switch self {
        case .always:
            return .ready
        case .allSuccess:
            if u.failed > 0 { return .upstreamFailed }
            if u.skipped > 0 { return .skip }
            return allDone ? .ready : .wait
        case .allFailed:
            if u.success > 0 || u.skipped > 0 { return .skip }
            return allDone ? .ready : .wait
        case .allDone:
            return allDone ? .ready : .wait
        case .oneSuccess:
            if u.success > 0 { return .ready }
            guard allDone else { return .wait }
            return u.failed > 0 ? .upstreamFailed : .skip
        case .oneFailed:
            if u.failed > 0 { return .ready }
            return allDone ? .skip : .wait
        case .noneFailed:
            if u.failed > 0 { return .upstreamFailed }
            return allDone ? .ready : .wait
        case .noneFailedMinOneSuccess:
            if u.failed > 0 { return .upstreamFailed }
            guard allDone else { return .wait }
            return u.success > 0 ? .ready : .skip
        }
    }
}
