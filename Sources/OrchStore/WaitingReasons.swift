import Foundation
import OrchCore

/// "Why is it waiting", answered outside the scheduler (CLI, API): the engine's state machine is rebuilt from the
/// store as it is now and asked, without deciding anything. The store holds everything the decision needs (runs,
/// task states, tries, retry times, pools, pauses, the lease) except the scheduler's worker slot count, which the
/// caller gives (the same setting the scheduler reads).
public struct WaitingReasons: Sendable {
    public let machine: EngineStateMachine
    public let now: Date
    /// Queued tries offered to remote workers and not leased yet, by task instance.
    let offered: [AttemptKey: RemoteAttemptRecord]

    /// `schedulerAlive`: a scheduler holds the lease (its heartbeat is fresh).
    public init(dags: [DAG], store: some StateStore, workerSlots: Int, schedulerAlive: Bool, now: Date) throws {
        var machine = EngineStateMachine(dags: dags, configuration: .init(workerSlots: workerSlots),
                                         pools: try store.pools(), holdsLease: schedulerAlive)
        var events: [EngineEvent] = try store.pausedDAGIds().sorted().map { .dagPaused($0, true) }
        var inputs: [EngineRunInput] = []
        let offers = try (store as? any RemoteAttemptStateStore)?.offeredRemoteAttempts() ?? []
        let offersByKey = Dictionary(offers.map { ($0.key, $0) }, uniquingKeysWith: { $0.tryNumber > $1.tryNumber ? $0 : $1 })
        var offered: [AttemptKey: RemoteAttemptRecord] = [:]
        for run in try store.activeRuns() {
            let instances = try store.taskInstances(runPk: run.pk)
            for ti in instances where ti.state.isActive {   // the engine marks an offered try running
                let key = AttemptKey(runPk: run.pk, taskId: ti.taskId)
                if let offer = offersByKey[key], offer.tryNumber == ti.tryNumber { offered[key] = offer }
            }
            var found: [String: FoundAttempt] = [:]
            for ti in instances where ti.state.isActive { found[ti.taskId] = .alive(startedAt: ti.startDate ?? now) }
            inputs.append(EngineRunInput(pk: run.pk, runId: run.runId, dagId: run.dagId, state: run.state,
                                         logicalDate: run.logicalDate, queuedAt: run.queuedAt,
                                         intervalEnd: run.dataInterval.end, instances: instances.map(\.snapshot),
                                         found: found))
        }
        events.append(.runsFound(inputs))
        machine.observe(events, now: now)
        self.machine = machine
        self.now = now
        self.offered = offered
    }

    /// Why a task instance waits; nil when it runs, finished, or its run is not active.
    public func task(runPk: Int64, taskId: String) -> WaitingReason? {
        let key = AttemptKey(runPk: runPk, taskId: taskId)
        if let offer = offered[key] {
            return .waitingForWorker(queue: offer.queue, since: offer.offeredAt)
        }
        return machine.waitingReason(of: key, now: now)
    }

    /// Why a queued run waits; nil when it runs or finished.
    public func run(pk: Int64) -> WaitingReason? { machine.runWaitingReason(pk) }
}
