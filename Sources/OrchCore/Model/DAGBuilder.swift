/// Collects tasks and edges while a DAG is declared. Used only inside `DAG.init(build:)`.
public final class DAGBuilder {
    let defaults: TaskDefaults
    var specs: [TaskSpec] = []
    /// Freshness policies by asset URI (`freshness(_:maxAge:)`).
    var freshness: [String: FreshnessPolicy] = [:]
    /// Asset checks, in declaration order (`check(_:on:severity:doc:_:)`).
    var checks: [AssetCheck] = []
    /// `schedule(on:)`.
    var assetSchedule: AssetTrigger?

    init(defaults: TaskDefaults) { self.defaults = defaults }

    /// Declares a Swift task. Options not given come from the DAG's defaults.
    @discardableResult
    public func task(_ id: String, retries: Int? = nil, retryDelay: Double? = nil, exponentialBackoff: Bool? = nil,
                     maxRetryDelay: Double? = nil, timeout: Double? = nil, isolation: Isolation? = nil,
                     triggerRule: TriggerRule? = nil, pool: String? = nil, poolSlots: Int = 1, doc: String = "",
                     runningLimit: Double? = nil, inlets: [String] = [], outlets: [String] = [], queue: String? = nil,
                     _ body: @escaping @Sendable (TaskContext) async throws -> Void = { _ in }) -> TaskRef {
        let ref = add(id, .swift(body), retries, retryDelay, exponentialBackoff, maxRetryDelay, timeout, isolation,
                      triggerRule, pool, poolSlots, doc, runningLimit, TaskAssets(inlets: inlets, outlets: outlets))
        specs[ref.index].queue = queue ?? defaults.queue
        return ref
    }

    /// Declares a shell-command task: `/bin/sh -c command`, exit code 0 is success.
    @discardableResult
    public func shell(_ id: String, _ command: String, retries: Int? = nil, retryDelay: Double? = nil,
                      timeout: Double? = nil, triggerRule: TriggerRule? = nil, pool: String? = nil,
                      doc: String = "", inlets: [String] = [], outlets: [String] = [], queue: String? = nil) -> TaskRef {
        let ref = add(id, .shell(command), retries, retryDelay, nil, nil, timeout, .process, triggerRule, pool, 1, doc,
                      nil, TaskAssets(inlets: inlets, outlets: outlets))
        specs[ref.index].queue = queue ?? defaults.queue
        return ref
    }

    private func add(_ id: String, _ action: TaskAction, _ retries: Int?, _ retryDelay: Double?,
                     _ exponentialBackoff: Bool?, _ maxRetryDelay: Double?, _ timeout: Double?,
                     _ isolation: Isolation?, _ triggerRule: TriggerRule?, _ pool: String?, _ poolSlots: Int,
                     _ doc: String, _ runningLimit: Double?, _ assets: TaskAssets) -> TaskRef {
        var retry = defaults.retry
        if let retries { retry.retries = retries }
        if let retryDelay { retry.delay = retryDelay }
        if let exponentialBackoff { retry.exponentialBackoff = exponentialBackoff }
        if let maxRetryDelay { retry.maxDelay = maxRetryDelay }
        specs.append(TaskSpec(id: id, action: action, triggerRule: triggerRule ?? defaults.triggerRule, retry: retry,
                              executionTimeout: timeout ?? defaults.executionTimeout,
                              isolation: isolation ?? defaults.isolation, pool: pool ?? defaults.pool,
                              poolSlots: poolSlots, doc: doc, runningLimit: runningLimit, assets: assets))
        return TaskRef(id: id, index: specs.count - 1, builder: self)
    }

    func addEdge(from upstream: TaskRef, to downstream: TaskRef) {
        addUpstream(upstream.id, at: downstream.index)
    }

    /// Declares an upstream by id only (it may name a task that does not exist: validation reports it).
    public func depend(_ taskId: String, on upstreamId: String) {
        guard let i = specs.firstIndex(where: { $0.id == taskId }) else { return }
        addUpstream(upstreamId, at: i)
    }

    /// The upstream ids of each task with a wide fan-in, as a set: a join of n tasks declared one edge at a time
    /// would otherwise cost n² string comparisons (half a million for the benchmarks' 1,000-task fan-outs).
    private var wideFanIns: [Int: Set<String>] = [:]
    private static let wideFanIn = 32

    private func addUpstream(_ id: String, at index: Int) {
        if specs[index].upstream.count < Self.wideFanIn {
            if !specs[index].upstream.contains(id) { specs[index].upstream.append(id) }
            return
        }
        if wideFanIns[index] == nil { wideFanIns[index] = Set(specs[index].upstream) }
        if wideFanIns[index]!.insert(id).inserted { specs[index].upstream.append(id) }
    }

    /// Declares how old `asset` may get before it is stale (evaluated against its last materialization).
    public func freshness(_ asset: String, _ policy: FreshnessPolicy) {
        freshness[asset] = policy
    }

    /// Declares a check of `asset`: it runs right after each task that writes the asset succeeds. A failed
    /// `.error` check blocks the tasks of the run that read the asset; a failed `.warn` check is only recorded.
    public func check(_ name: String, on asset: String, severity: CheckVerdict.Severity, doc: String = "",
                      _ body: @escaping @Sendable (TaskContext) async throws -> AssetCheckOutcome) {
        checks.append(AssetCheck(name: name, asset: asset, severity: severity, doc: doc, body: body))
    }

    /// Schedules the DAG on assets: a run each time `trigger` holds for the materializations since its last
    /// asset-triggered run (Airflow's asset expressions, `.all`/`.any`). The DAG then has no cron schedule.
    public func schedule(on trigger: AssetTrigger) {
        assetSchedule = trigger
    }

    /// The tasks with the checks of their outlets attached.
    func resolvedTasks() -> [TaskSpec] {
        guard !checks.isEmpty else { return specs }
        return specs.map { spec in
            var s = spec
            let outlets = Set(s.assets.outlets)
            s.checks = checks.filter { outlets.contains($0.asset) }
            return s
        }
    }
}

/// A handle on a declared task, for wiring edges with `>>` and `<<`.
public struct TaskRef {
    public let id: String
    let index: Int
    unowned let builder: DAGBuilder
}

// `>>` keeps the standard library's precedence group, which does not associate, so a single
// statement holds one edge group: `a >> b`, `a >> [b, c]`, `[b, c] >> d`. For longer paths use
// `chain(a, b, c)` or `chain(a, [b, c], d)`, as Airflow's `chain()`.

/// A step of a chain: one task or a parallel group.
public protocol ChainElement { var chainRefs: [TaskRef] { get } }
extension TaskRef: ChainElement { public var chainRefs: [TaskRef] { [self] } }
extension Array: ChainElement where Element == TaskRef { public var chainRefs: [TaskRef] { self } }

/// `chain(a, b, c)`: a >> b >> c; `chain(a, [b, c], d)`: fan-out then fan-in.
public func chain(_ elements: any ChainElement...) {
    for (left, right) in zip(elements, elements.dropFirst()) {
        for l in left.chainRefs { for r in right.chainRefs { l.builder.addEdge(from: l, to: r) } }
    }
}

/// `a >> b`: b runs after a.
@discardableResult public func >> (lhs: TaskRef, rhs: TaskRef) -> TaskRef {
    lhs.builder.addEdge(from: lhs, to: rhs); return rhs
}
/// `a >> [b, c]`: fan-out.
@discardableResult public func >> (lhs: TaskRef, rhs: [TaskRef]) -> [TaskRef] {
    for r in rhs { lhs.builder.addEdge(from: lhs, to: r) }; return rhs
}
/// `[a, b] >> c`: fan-in.
@discardableResult public func >> (lhs: [TaskRef], rhs: TaskRef) -> TaskRef {
    for l in lhs { l.builder.addEdge(from: l, to: rhs) }; return rhs
}
/// `b << a`: b runs after a.
@discardableResult public func << (lhs: TaskRef, rhs: TaskRef) -> TaskRef {
    lhs.builder.addEdge(from: rhs, to: lhs); return rhs
}
