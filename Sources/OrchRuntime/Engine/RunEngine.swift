import Foundation
import OrchCore
import OrchStore

/// Drives runs to the end: applies the core's decisions to the store, hands ready tasks to the
/// worker pool within the slot limits, and resolves attempts as they finish. One engine owns a run
/// at a time (the scheduler's, or `orch run`'s in the foreground).
public actor RunEngine {
    /// Which runs this engine drives.
    public enum Scope: Sendable {
        /// Every run not owned by a live foreground process (the scheduler).
        case scheduler
        /// Only these runs (`orch run`).
        case runs(Set<Int64>)
    }

    /// A run being driven, with its task states in memory (a class: updated in place, never copied).
    final class ActiveRun {
        var record: RunRecord
        let dag: DAG
        let order: [String]
        let rank: [String: Int]
        let downstream: [String: [String]]
        var instances: [String: TaskInstanceSnapshot]
        /// Evaluate every task (after loading), not only `pending`.
        var needsFullEvaluation = true
        /// Tasks to evaluate because an upstream changed.
        var pending: Set<String> = []
        /// Tasks in state scheduled, waiting for a slot.
        var scheduledCount = 0
        /// Tasks not yet finished; the run ends when it reaches 0.
        var unfinishedCount = 0
        /// Every task before this position of `order` is known not to be scheduled.
        var readyCursor = 0

        init(record: RunRecord, dag: DAG, order: [String], rank: [String: Int], instances: [String: TaskInstanceSnapshot]) {
            self.record = record
            self.dag = dag
            self.order = order
            self.rank = rank
            self.downstream = dag.downstream
            self.instances = instances
            scheduledCount = instances.values.reduce(0) { $0 + ($1.state == .scheduled ? 1 : 0) }
            unfinishedCount = instances.values.reduce(0) { $0 + ($1.state.isFinished ? 0 : 1) }
        }

        var dirty: Bool { needsFullEvaluation || !pending.isEmpty || unfinishedCount == 0 }

        func setState(_ taskId: String, _ state: TaskState) {
            guard let old = instances[taskId]?.state, old != state else { return }
            if old == .scheduled { scheduledCount -= 1 }
            if state == .scheduled {
                scheduledCount += 1
                readyCursor = min(readyCursor, rank[taskId] ?? 0)
            }
            if old.isFinished != state.isFinished { unfinishedCount += state.isFinished ? -1 : 1 }
            instances[taskId]?.state = state
        }

        /// A task ended: its downstream tasks may now run.
        func taskChanged(_ taskId: String) {
            pending.formUnion(downstream[taskId] ?? [])
            if instances[taskId]?.state == .upForRetry { pending.insert(taskId) }
        }
    }

    struct AttemptKey: Hashable { let runPk: Int64; let taskId: String }

    struct RunningAttempt {
        let spec: AttemptSpec
        let dagId: String
        let pool: String
        let poolSlots: Int
        let startedAt: Date
        let runningLimit: Double?
        var limitAlerted = false
    }

    let bag: DAGBag
    let store: SQLiteStateStore
    let pool: WorkerPool
    let home: OrchHome
    let scope: Scope
    let owner: String
    let clock: @Sendable () -> Date
    let alerts: AlertComposer
    let signal: AsyncSignal
    /// Honour pause (the scheduler) or not (`orch run` of a paused DAG still runs).
    let honourPause: Bool

    var active: [Int64: ActiveRun] = [:]
    var running: [AttemptKey: RunningAttempt] = [:]
    var poolSizes: [String: Int] = [:]
    lazy var maxActiveTasksByDAG: [String: Int] = Dictionary(uniqueKeysWithValues: bag.dags.map { ($0.id, $0.maxActiveTasks) })
    var finishedWaiters: [Int64: [CheckedContinuation<RunState, Never>]] = [:]
    var deadlineAlerted: Set<Int64> = []
    /// Set when stopping: nothing new starts.
    var draining = false
    /// Problems the engine could not act on (shown by the scheduler's log).
    public internal(set) var lastError: String?

    public init(bag: DAGBag, store: SQLiteStateStore, pool: WorkerPool, home: OrchHome, scope: Scope, owner: String,
                alerts: AlertComposer = NoAlerts(), signal: AsyncSignal = AsyncSignal(), honourPause: Bool = true,
                clock: @escaping @Sendable () -> Date = { Date() }) {
        self.bag = bag
        self.store = store
        self.pool = pool
        self.home = home
        self.scope = scope
        self.owner = owner
        self.alerts = alerts
        self.signal = signal
        self.honourPause = honourPause
        self.clock = clock
    }

    /// Stop starting attempts (the scheduler is shutting down).
    public func drain() { draining = true }

    /// Number of attempts running now.
    public var runningCount: Int { running.count }
    /// Number of runs this engine is driving.
    public var activeRunCount: Int { active.count }

    /// Waits until a run finishes and returns its state.
    public func waitForRun(_ pk: Int64) async -> RunState {
        if let r = try? store.run(pk: pk), r.state.isFinished { return r.state }
        return await withCheckedContinuation { c in finishedWaiters[pk, default: []].append(c) }
    }

    /// The earliest time something is due without an outside event (a retry delay ending).
    public var nextWakeTime: Date? {
        active.values.compactMap { RunEvaluator.nextWake(instances: $0.instances) }.min()
    }

    /// One pass: pick up runs, apply decisions, start what may start. Cheap when nothing changed.
    public func step() {
        do {
            try pickUpRuns()
            try evaluateRuns()
            try startReadyTasks()
            try checkDeadlines()
            lastError = nil
        } catch {
            lastError = "\(error)"
        }
    }

    // MARK: picking up runs

    func owns(_ run: RunRecord) -> Bool {
        switch scope {
        case .runs(let pks): return pks.contains(run.pk)
        case .scheduler:
            guard let o = run.owner, o.hasPrefix("foreground:") else { return true }
            return !(Int32(o.dropFirst("foreground:".count)).map(processIsAlive) ?? false)
        }
    }

    func pickUpRuns() throws {
        let candidates = try store.activeRuns().filter { active[$0.pk] == nil && owns($0) }
        guard !candidates.isEmpty else { return }
        poolSizes = try store.pools()
        let paused = honourPause ? Set(try store.dags().filter(\.isPaused).map(\.dagId)) : []
        // Runs already running (after a restart) are adopted first; queued ones respect max_active_runs.
        for run in candidates where run.state == .running {
            guard let dag = bag.dag(run.dagId) else { continue }
            try adopt(run, dag: dag)
        }
        var runningPerDAG: [String: Int] = [:]
        for r in active.values where r.record.state == .running { runningPerDAG[r.dag.id, default: 0] += 1 }
        let queued = candidates.filter { $0.state == .queued && bag.dag($0.dagId) != nil && !paused.contains($0.dagId) }
        let admitted = RunAdmission.admit(queued: queued, dagOf: \.dagId, running: runningPerDAG,
                                          maxActiveRuns: { self.bag.dag($0)?.maxActiveRuns ?? 1 })
        for var run in admitted {
            let now = clock()
            try store.startRun(pk: run.pk, owner: owner, now: now)
            run.state = .running
            run.startDate = run.startDate ?? now
            run.owner = owner
            try adopt(run, dag: bag.dag(run.dagId)!)
        }
    }

    /// Loads a run's task instances; re-attaches to or resolves attempts left by a stopped scheduler.
    func adopt(_ run: RunRecord, dag: DAG) throws {
        var record = run
        if run.owner != owner { try store.setRunOwner(pk: run.pk, owner: owner); record.owner = owner }
        let order = DAGValidator.topologicalOrder(dag)
        let records = try store.taskInstances(runPk: run.pk)
        var instances = Dictionary(uniqueKeysWithValues: records.map { ($0.taskId, $0.snapshot) })
        // Tasks added to the DAG since the run was created get a row; removed ones are marked removed.
        var removed: [(taskId: String, state: TaskState)] = []
        for (id, ti) in instances where dag.task(id) == nil && !ti.state.isFinished { removed.append((id, .removed)) }
        try store.setTaskStates(runPk: run.pk, removed, now: clock())
        for r in removed { instances[r.taskId]?.state = .removed }
        active[run.pk] = ActiveRun(record: record, dag: dag, order: order.filter { instances[$0] != nil },
                                   rank: Dictionary(uniqueKeysWithValues: order.enumerated().map { ($1, $0) }),
                                   instances: instances)
        for ti in records where ti.state.isActive && instances[ti.taskId]?.state != .removed {
            try recoverAttempt(run: record, dag: dag, instance: ti)
        }
    }

    func recoverAttempt(run: RunRecord, dag: DAG, instance ti: TaskInstanceRecord) throws {
        let key = AttemptKey(runPk: run.pk, taskId: ti.taskId)
        guard running[key] == nil, let task = dag.task(ti.taskId) else { return }
        guard let attempt = try store.attempts(runPk: run.pk, taskId: ti.taskId).last(where: { $0.tryNumber == ti.tryNumber })
        else {
            attemptFinished(runPk: run.pk, taskId: ti.taskId, tryNumber: ti.tryNumber,
                            outcome: .failed(exitCode: nil, error: "no attempt record; the scheduler stopped while starting it"))
            return
        }
        let spec = makeSpec(run: run, dag: dag, taskId: ti.taskId, tryNumber: ti.tryNumber, logPath: attempt.logPath)
        if attempt.isolation == Isolation.process.rawValue && AttemptLock.isHeld(spec.lockPath) {
            running[key] = RunningAttempt(spec: spec, dagId: dag.id, pool: task.pool, poolSlots: task.poolSlots,
                                          startedAt: attempt.startDate, runningLimit: task.runningLimit)
            let remaining = task.executionTimeout.map { $0 - clock().timeIntervalSince(attempt.startDate) }
            pool.adopt(spec, pid: attempt.pid.map(Int32.init), remainingTimeout: remaining,
                       callbacks: callbacks(key, tryNumber: ti.tryNumber, attemptId: nil, recordsProcess: false))
        } else if attempt.isolation == Isolation.process.rawValue {
            attemptFinished(runPk: run.pk, taskId: ti.taskId, tryNumber: ti.tryNumber,
                            outcome: WorkerPool.orphanOutcome(resultPath: spec.resultPath, logPath: spec.logPath))
        } else {
            attemptFinished(runPk: run.pk, taskId: ti.taskId, tryNumber: ti.tryNumber,
                            outcome: .failed(exitCode: nil, error: "the process running this in-process attempt stopped"))
        }
    }

    // MARK: evaluating runs

    func evaluateRuns() throws {
        let now = clock()
        for pk in Array(active.keys) {
            guard let run = active[pk] else { continue }
            let retriesDue = run.instances.values.filter { $0.state == .upForRetry && ($0.nextRetryAt ?? now) <= now }
            guard run.dirty || !retriesDue.isEmpty else { continue }
            let decisions: [RunDecision]
            if run.needsFullEvaluation {
                decisions = RunEvaluator.evaluate(dag: run.dag, order: run.order, instances: run.instances, now: now)
            } else {
                decisions = RunEvaluator.evaluate(dag: run.dag, candidates: run.pending.union(retriesDue.map(\.taskId)),
                                                  instances: run.instances, rank: run.rank,
                                                  downstream: run.downstream, now: now)
            }
            run.needsFullEvaluation = false
            run.pending = []
            var changes: [(taskId: String, state: TaskState)] = []
            var finish: RunState?
            for d in decisions {
                switch d {
                case .schedule(let t): changes.append((t, .scheduled))
                case .upstreamFailed(let t): changes.append((t, .upstreamFailed))
                case .skip(let t): changes.append((t, .skipped))
                case .finishRun(let s): finish = s
                }
            }
            changes = try applyCheckBlocking(run, changes: changes, now: now)   // asset checks (issue 14)
            try store.setTaskStates(runPk: pk, changes, now: now)
            for c in changes { run.setState(c.taskId, c.state) }
            if finish == nil && run.unfinishedCount == 0 {
                finish = RunEvaluator.outcome(dag: run.dag, states: run.instances.mapValues(\.state))
            }
            if let finish { try finishRun(pk, state: finish, now: now) }
        }
    }

    func finishRun(_ pk: Int64, state: RunState, now: Date) throws {
        guard let run = active[pk] else { return }
        var record = run.record
        record.state = state
        record.endDate = now
        let kind: AlertEventKind = state == .success ? .runSucceeded : .runFailed
        let failed = run.instances.values.filter { $0.state == .failed }.map(\.taskId).sorted()
        let drafts = alerts.drafts(for: AlertEvent(kind: kind, dag: run.dag, run: record, state: state.rawValue,
                                                   error: failed.isEmpty ? nil : "failed tasks: \(failed.joined(separator: ", "))"))
        try store.finishRun(pk: pk, state: state, now: now, alerts: drafts)
        active[pk] = nil
        deadlineAlerted.remove(pk)
        for c in finishedWaiters.removeValue(forKey: pk) ?? [] { c.resume(returning: state) }
        if !drafts.isEmpty { signal.notify() }
    }
}

func processIsAlive(_ pid: Int32) -> Bool {
    kill(pid, 0) == 0 || errno == EPERM
}
