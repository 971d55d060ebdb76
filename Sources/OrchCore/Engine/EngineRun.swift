import Foundation

/// One run as the engine keeps it: its task states and the counters that keep a step proportional to what changed.
struct EngineRun: Sendable {
    let pk: Int64
    let runId: String
    let dagId: String
    /// The plan the run is evaluated with: its DAG version's (``EngineRunInput/planKey``).
    let planKey: String
    let logicalDate: Date
    let queuedAt: Date
    let intervalEnd: Date
    var state: RunState
    var instances: [String: TaskInstanceSnapshot]
    /// Tasks of the run in topological order (those the run has rows for).
    let order: [String]
    /// Evaluate every task (after admission), not only `pending`.
    var needsFullEvaluation = true
    /// Tasks to evaluate because an upstream changed or a retry fell due.
    var pending: Set<String> = []
    /// Tasks in state scheduled, waiting for a slot.
    private(set) var scheduledCount = 0
    /// Tasks not finished; the run ends when it reaches 0.
    private(set) var unfinishedCount = 0
    /// Attempts of this run running now.
    var runningCount = 0
    /// No attempt of this run was started yet.
    var neverStarted: Bool
    /// Every task before this position of `order` is known not to be scheduled.
    var readyCursor = 0
    /// Failed error-severity asset checks of this run: their readers are blocked (``CheckBlocking``).
    var failedChecks: [CheckBlocking.FailedCheck]
    /// The states of each task's upstreams, counted, kept as they change: a task with a thousand upstreams is
    /// judged without looking at each of them every time one ends.
    private(set) var upstream: [String: UpstreamSummary] = [:]
    /// The plan's downstream edges (whose summaries a state change moves).
    private let downstream: [String: [String]]

    init(_ input: EngineRunInput, plan: DAGPlan) {
        pk = input.pk
        runId = input.runId
        dagId = input.dagId
        planKey = input.planKey
        logicalDate = input.logicalDate
        queuedAt = input.queuedAt
        intervalEnd = input.intervalEnd
        state = input.state
        failedChecks = input.failedChecks
        instances = Dictionary(input.instances.map { ($0.taskId, $0) }, uniquingKeysWith: { a, _ in a })
        let known = instances
        order = plan.order.filter { known[$0] != nil }
        downstream = plan.downstream
        for task in plan.dag.tasks where !task.upstream.isEmpty {
            upstream[task.id] = UpstreamSummary(states: task.upstream.map { known[$0]?.state ?? .none })
        }
        neverStarted = input.instances.allSatisfy { $0.tryNumber == 0 }
        for ti in input.instances {
            if ti.state == .scheduled { scheduledCount += 1 }
            if !ti.state.isFinished { unfinishedCount += 1 }
        }
    }

    var isDirty: Bool { needsFullEvaluation || !pending.isEmpty || unfinishedCount == 0 }

    mutating func setState(_ taskId: String, _ state: TaskState, rank: Int) {
        guard let old = instances[taskId]?.state, old != state else { return }
        if old == .scheduled { scheduledCount -= 1 }
        if state == .scheduled {
            scheduledCount += 1
            readyCursor = min(readyCursor, rank)
        }
        if old.isFinished != state.isFinished { unfinishedCount += state.isFinished ? -1 : 1 }
        instances[taskId]?.state = state
        for d in downstream[taskId] ?? [] { upstream[d]?.move(from: old, to: state) }
    }
}
