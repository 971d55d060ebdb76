import Foundation

/// The engine's decisions, without I/O: events in (with the time they are handled at), actions out. It holds what
/// the engine knows of the runs it drives (task states, attempts holding slots, pools, pauses, the lease) and
/// applies every policy: trigger rules (``RunEvaluator``), retries (``AttemptResolution``), fairness
/// (``FairShare``), worker slots, pools and max_active_tasks (``SlotAllocator``), max_active_runs
/// (``RunAdmission``), pause (``PauseRule``), timeouts (``ExecutionTimeout``), deadlines (``RunDeadline``,
/// ``RunningLimit``). Timers are data: the machine says when it wants to be woken (``EngineAction/wake(at:)``).
///
/// One `handle` call is one step: its state changes come out as one ``TransitionBatch``, to be written in one
/// transaction before any launch. The runtime (`RunEngine`) performs the actions and feeds back what happened.
public struct EngineStateMachine: Sendable {
    public struct Configuration: Sendable {
        public var workerSlots: Int
        /// Pause is honoured by the scheduler, not by a foreground `orch run`.
        public var honourPause: Bool
        /// Seconds between SIGTERM and SIGKILL of a timed-out attempt.
        public var killGrace: Double
        /// The queues this engine's own worker pool serves; tasks of every other queue are offered to remote
        /// workers (issue 19). nil: every queue is served here (no remote workers: `orch run`, or a scheduler
        /// without the worker API).
        public var localQueues: Set<String>?
        /// Most attempts offered to or leased by remote workers at once.
        public var remoteSlots: Int
        /// Seconds without a heartbeat after which a remote worker's lease is lost (its attempt failed or retried).
        public var leaseTimeout: Double

        public init(workerSlots: Int, honourPause: Bool = true, killGrace: Double = 5,
                    localQueues: Set<String>? = nil, remoteSlots: Int = 10_000,
                    leaseTimeout: Double = 30) {
            self.localQueues = localQueues
            self.remoteSlots = max(0, remoteSlots)
            self.leaseTimeout = leaseTimeout
            self.workerSlots = max(1, workerSlots)
            self.honourPause = honourPause
            self.killGrace = killGrace
        }
    }

    public private(set) var configuration: Configuration
    /// Plans by key: a DAG id (the DAG as loaded now) or `id@version` (a DAG version runs are pinned to).
    var plans: [String: DAGPlan]
    /// Runs found queued, not yet admitted (max_active_runs, pause).
    var queued: [Int64: EngineRun] = [:]
    /// Runs admitted (state running).
    var active: [Int64: EngineRun] = [:]
    /// Runs whose DAG this engine does not have: never admitted, and said so.
    var unloadable: [Int64: String] = [:]
    var running: [AttemptKey: RunningAttempt] = [:]
    /// How many of `running` are remote (offered or leased): the rest hold local worker slots.
    var remoteRunning = 0
    var runningPerDAG: [String: Int] = [:]
    var poolUse: [String: Int] = [:]
    /// Tasks up for retry and when.
    var retryDue: [AttemptKey: Date] = [:]
    var dirtyRuns: Set<Int64> = []
    var admissionDirty = false
    var pools: [String: Int] = [:]
    var paused: Set<String> = []
    var holdsLease = true
    var draining = false
    var deadlineAlerted: Set<Int64> = []

    public init(dags: [DAG], configuration: Configuration, pools: [String: Int] = [:], paused: Set<String> = [],
                holdsLease: Bool = true) {
        var plans: [String: DAGPlan] = [:]
        for d in dags where plans[d.id] == nil { plans[d.id] = DAGPlan(d) }
        self.plans = plans
        self.configuration = configuration
        self.pools = pools
        self.paused = paused
        self.holdsLease = holdsLease
    }

    /// One step: applies the events, then decides everything that follows at `now`.
    public mutating func handle(_ events: [EngineEvent], now: Date) -> [EngineAction] {
        var step = Step()
        for e in events { apply(e, now: now, &step) }
        advance(now: now, &step)
        var actions: [EngineAction] = []
        if !step.batch.isEmpty { actions.append(.persist(step.batch)) }
        // A lease is revoked before the batch recording its loss is written: a late completion is then refused.
        actions = step.revoked.map { .revokeLease($0.key, tryNumber: $0.tryNumber) } + actions
        actions += step.launches.map(EngineAction.launch)
        actions += step.stops.map { .stop($0.key, tryNumber: $0.tryNumber, $0.signal) }
        if let wake = nextWake(now: now) { actions.append(.wake(at: wake)) }
        return actions
    }

    public mutating func handle(_ event: EngineEvent, now: Date) -> [EngineAction] { handle([event], now: now) }

    /// Applies events without deciding anything: a read-only view of the state (`orch tasks why` builds one from
    /// the store to explain what the scheduler is waiting for).
    public mutating func observe(_ events: [EngineEvent], now: Date) {
        var step = Step()
        for e in events { apply(e, now: now, &step) }
    }

    /// What one step collects.
    struct Step {
        var batch = TransitionBatch()
        var launches: [AttemptLaunch] = []
        var stops: [(key: AttemptKey, tryNumber: Int, signal: StopSignal)] = []
        var revoked: [(key: AttemptKey, tryNumber: Int)] = []
    }

    // MARK: what the runtime may ask

    /// Attempts holding a worker slot (local or remote).
    public var runningCount: Int { running.count }
    /// Attempts holding a local worker slot.
    public var localRunningCount: Int { running.count - remoteRunning }
    /// True when the task runs on a queue this engine's own pool does not serve.
    public func isRemote(_ task: TaskSpec) -> Bool {
        guard let local = configuration.localQueues else { return false }
        return !local.contains(task.queueName)
    }
    /// Runs admitted and not finished.
    public var activeRunCount: Int { active.count }
    /// Runs known to the engine, queued or running.
    public func knows(run pk: Int64) -> Bool { active[pk] != nil || queued[pk] != nil || unloadable[pk] != nil }
    /// The runs the engine knows, with the state it holds them in (queued: not admitted yet).
    public var knownRuns: [Int64: RunState] {
        var out = active.mapValues(\.state)
        for pk in queued.keys { out[pk] = .queued }
        for pk in unloadable.keys { out[pk] = .queued }
        return out
    }
    /// Runs waiting for admission (their DAG's pause state matters).
    public var hasQueuedRuns: Bool { !queued.isEmpty }
    /// The DAGs this engine can drive.
    public var dagIds: Set<String> { Set(plans.keys.filter { !$0.contains("@") }) }
    /// The attempts running now, with their try numbers.
    public var runningAttempts: [AttemptKey: Int] { running.mapValues(\.tryNumber) }
    /// The DAG an attempt belongs to.
    public func dagId(of key: AttemptKey) -> String? { running[key]?.dagId ?? active[key.runPk]?.dagId }
    /// The task state the engine holds.
    public func state(of key: AttemptKey) -> TaskState? {
        (active[key.runPk] ?? queued[key.runPk])?.instances[key.taskId]?.state
    }

    // MARK: events

    mutating func apply(_ event: EngineEvent, now: Date, _ step: inout Step) {
        switch event {
        case .tick:
            break
        case .runsFound(let inputs):
            for input in inputs { found(input, now: now, &step) }
        case .runForgotten(let pk):
            forget(pk)
        case .attemptStarted(let key, let tryNumber, let at):
            attemptStarted(key, tryNumber: tryNumber, now: min(at ?? now, now))
        case .attemptHeartbeat(let key, let tryNumber):
            if running[key]?.tryNumber == tryNumber, running[key]?.remote == true { running[key]?.heartbeatAt = now }
        case .attemptAbandoned(let key, let tryNumber):
            if running[key]?.tryNumber == tryNumber { _ = release(key) }
        case .attemptExited(let key, let tryNumber, let outcome):
            attemptExited(key, tryNumber: tryNumber, outcome: outcome, now: now, &step)
        case .checksFailed(let pk, let checks):
            active[pk]?.failedChecks = checks
            queued[pk]?.failedChecks = checks
        case .dagPaused(let dagId, let isPaused):
            if isPaused { paused.insert(dagId) } else { paused.remove(dagId) }
            admissionDirty = true
        case .slotsChanged(let n):
            configuration.workerSlots = max(1, n)
        case .poolsChanged(let sizes):
            pools = sizes
        case .leaseChanged(let held):
            holdsLease = held
            admissionDirty = true
        case .drain:
            draining = true
        }
    }

    /// Decides what follows the events: admit runs, apply trigger rules, start what may start, stop what timed out.
    mutating func advance(now: Date, _ step: inout Step) {
        let mayStart = holdsLease && !draining
        expireLeases(now: now, &step)
        if mayStart && admissionDirty { admitRuns(now: now, &step) }
        evaluateRuns(now: now, &step)
        // A run that ended just now frees a place for the next queued run of its DAG, in the same step.
        if mayStart && admissionDirty {
            admitRuns(now: now, &step)
            evaluateRuns(now: now, &step)
        }
        if mayStart { startReadyTasks(now: now, &step) }
        checkTimers(now: now, &step)
    }
}
