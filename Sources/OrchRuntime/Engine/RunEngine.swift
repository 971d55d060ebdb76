import Foundation
import OrchCore
import OrchStore

/// The runtime side of the engine: reads runs from the store, feeds events to the ``EngineStateMachine`` and
/// performs the actions it returns (one transaction per step, then launches and stops). Attempt ends arrive from
/// the launcher at any time and wait in an inbox for the next step, so a burst of them costs one transaction.
/// One engine owns a run at a time (the scheduler's, or `orch run`'s in the foreground).
public actor RunEngine {
    /// Which runs this engine drives.
    public enum Scope: Sendable {
        /// Every run not owned by a live foreground process (the scheduler).
        case scheduler
        /// Only these runs (`orch run`).
        case runs(Set<Int64>)
    }

    /// An attempt this engine launched or adopted.
    struct Launched {
        let spec: AttemptSpec
        let dagId: String
        let startedAt: Date
        let isolation: Isolation
        /// Offered to remote workers instead of run by `pool`.
        var remote = false
    }

    /// The DAGs as loaded now (replaced by ``reload(_:)``).
    var bag: DAGBag
    /// DAG versions runs are pinned to (nil: no bundles, every run follows `bag`).
    let versions: BundleVersionResolver?
    /// The DAG of each version a run of this engine is pinned to, by plan key (`id@version`).
    var pinnedDAGs: [String: DAG] = [:]
    let store: any EngineStore
    let pool: WorkerPool
    let home: OrchHome
    let scope: Scope
    let owner: String
    let clock: @Sendable () -> Date
    /// This process's environment as it started, for the variables DAGs ask for (read once: building it from
    /// `environ` costs more than the rest of an attempt's spec).
    let processEnvironment = ProcessInfo.processInfo.environment
    let alerts: AlertComposer
    /// OpenLineage run events for every attempt (nil: not configured).
    let lineage: OpenLineageComposer?
    let signal: AsyncSignal
    /// Remote workers (issue 19): attempts of queues the pool does not serve are offered there. nil: every queue
    /// runs in `pool`.
    let remote: RemoteAttemptBoard?

    var machine: EngineStateMachine
    /// The runs the machine knows, as read from the store (for attempt specs and alert messages).
    var records: [Int64: RunRecord] = [:]
    var launched: [AttemptKey: Launched] = [:]
    /// Attempts begun in the batch being written, launched once it is committed: each one's spec and the isolation
    /// recorded for it (decided once, so that it runs as recorded).
    var pendingAttempts: [AttemptKey: (spec: AttemptSpec, isolation: Isolation)] = [:]
    /// Events the engine gave itself between steps (an attempt that could not be offered, a batch not written).
    var inbox: [EngineEvent] = []
    /// Events from the launcher's threads.
    let mailbox = EngineMailbox()
    var wakeAt: Date?
    var pausedDAGs: Set<String>?
    var poolSizes: [String: Int]?
    var finishedWaiters: [Int64: [CheckedContinuation<RunState, Never>]] = [:]
    var lastStoreRead = Date.distantPast
    /// How often a busy engine looks for new or changed runs in the store.
    static let storeReadInterval: Double = 0.2
    /// A store read that a step taken for attempt ends put off until after its launches: the next step, taken at
    /// once, makes it.
    var storeReadOwed = false
    /// Problems the engine could not act on (shown by the scheduler's log).
    public internal(set) var lastError: String?

    public init(bag: DAGBag, store: any EngineStore, pool: WorkerPool, home: OrchHome, scope: Scope, owner: String,
                alerts: AlertComposer = NoAlerts(), lineage: OpenLineageComposer? = nil,
                signal: AsyncSignal = AsyncSignal(), honourPause: Bool = true,
                versions: BundleVersionResolver? = nil, remote: RemoteAttemptBoard? = nil,
                clock: @escaping @Sendable () -> Date = { Date() }) {
        self.remote = remote
        self.bag = bag
        self.versions = versions
        self.store = store
        self.pool = pool
        self.home = home
        self.scope = scope
        self.owner = owner
        self.alerts = alerts
        self.lineage = lineage
        self.signal = signal
        self.clock = clock
        machine = EngineStateMachine(dags: bag.dags, configuration: .init(workerSlots: pool.slots, honourPause: honourPause,
                                                                          killGrace: pool.killGrace,
                                                                          localQueues: remote?.configuration.localQueues,
                                                                          leaseTimeout: remote?.configuration.leaseTimeout ?? 30))
    }

    /// Stop starting attempts (the scheduler is shutting down); running ones are still followed to their end.
    public func drain() {
        inbox.append(.drain)
        step()
    }

    /// Number of attempts running now.
    public var runningCount: Int { machine.runningCount }
    /// Number of runs this engine is driving.
    public var activeRunCount: Int { machine.activeRunCount }
    /// No run to drive and no attempt running: what the scheduler asks after a turn (one hop for both counts).
    public var isIdle: Bool { machine.activeRunCount == 0 && machine.runningCount == 0 }
    /// Attempts running inside this process.
    public var hasInProcessAttempts: Bool { launched.values.contains { $0.isolation == .inProcess } }

    /// Waits until a run finishes and returns its state.
    public func waitForRun(_ pk: Int64) async -> RunState {
        if let r = try? store.run(pk: pk), r.state.isFinished { return r.state }
        return await withCheckedContinuation { c in finishedWaiters[pk, default: []].append(c) }
    }

    /// The earliest time something is due without an outside event (now, when events wait in the inbox or a store
    /// read is owed).
    public var nextWakeTime: Date? { inbox.isEmpty && !mailbox.needsStep && !storeReadOwed ? wakeAt : clock() }

    /// Why a task instance of a run this engine drives is not running (nil: running, finished or unknown).
    public func waitingReason(runPk: Int64, taskId: String) -> WaitingReason? {
        machine.waitingReason(of: AttemptKey(runPk: runPk, taskId: taskId), now: clock())
    }

    /// Hands an event from another thread to the next step; `wakes`: and wakes the loop for it. `process`: an
    /// attempt's process for that step to record in its batch's transaction.
    nonisolated func post(_ event: EngineEvent, wakes: Bool = true, process: AttemptProcess? = nil) {
        mailbox.post(event, wakes: wakes, process: process)
        if wakes { signal.notify() }
    }

    /// One step: what arrived since the last one, runs new in the store, then the machine's decisions carried out.
    /// Cheap when nothing changed.
    public func step() {
        let now = clock()
        let posted = mailbox.take()
        let woke = inbox + posted.waking
        var events = posted.quiet + woke
        inbox = []
        var failure: String?
        // A step caused by attempt ends does not read the store for new or changed runs: it launches what the
        // ends free, and owes the read (at most every `storeReadInterval`) to the next step, taken at once. Under a
        // burst of ends the steps stay cheap, and the hop after a long task does not wait for the read. An engine
        // woken by anything else (a trigger, a due run, a timer) reads at once.
        let readsStore = woke.isEmpty || storeReadOwed
        if readsStore {
            storeReadOwed = false
            lastStoreRead = now
            do { events += try readStore(now: now) } catch { failure = "\(error)" }
        } else if now.timeIntervalSince(lastStoreRead) >= Self.storeReadInterval {
            storeReadOwed = true
            signal.notify()
        }
        // The remote workers' attempts likewise, and at every step while one this engine offered is out (a worker's
        // report wakes the engine through the wake socket: a step with no local end, which reads).
        if let remote, readsStore || launched.values.contains(where: \.remote) {
            do { events += try remote.changes() } catch { failure = "cannot read the remote workers' attempts: \(error)" }
        }
        events = withCheckVerdicts(events)   // asset checks (issue 14): RunEngine+CheckBlocking
        let actions = machine.handle(events, now: now)
        wakeAt = nil
        if let problem = perform(actions, processes: posted.processes, now: now) { failure = problem }
        lastError = failure
    }
}
