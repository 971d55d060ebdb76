import Foundation
import OrchCore

/// A clock the test moves by hand.
struct ManualClock {
    var now = Date(timeIntervalSince1970: 1_800_000_000)
    mutating func advance(_ seconds: Double) { now = now.addingTimeInterval(seconds) }
}

/// Drives an ``EngineStateMachine`` the way the runtime does, keeping every action for the test to read.
struct EngineHarness {
    var machine: EngineStateMachine
    var clock = ManualClock()
    /// Actions of the last step.
    var last: [EngineAction] = []

    init(_ dags: [DAG], slots: Int = 4, honourPause: Bool = true, killGrace: Double = 5,
         pools: [String: Int] = ["default_pool": 128], paused: Set<String> = [], holdsLease: Bool = true) {
        machine = EngineStateMachine(dags: dags, configuration: .init(workerSlots: slots, honourPause: honourPause,
                                                                       killGrace: killGrace),
                                     pools: pools, paused: paused, holdsLease: holdsLease)
    }

    @discardableResult
    mutating func send(_ events: EngineEvent...) -> [EngineAction] {
        last = machine.handle(events, now: clock.now)
        return last
    }

    /// A run of `dag` with every task in state none (or as given), queued at the clock's time.
    func run(_ pk: Int64, _ dag: DAG, state: RunState = .queued, day: Double = 0,
             tasks: [String: TaskInstanceSnapshot] = [:], found: [String: FoundAttempt] = [:],
             intervalEnd: Date? = nil) -> EngineRunInput {
        let instances = dag.tasks.map { tasks[$0.id] ?? TaskInstanceSnapshot(taskId: $0.id, state: .none,
                                                                               maxTries: $0.retry.maxTries) }
        let logical = Date(timeIntervalSince1970: 1_700_000_000 + day * 86_400)
        return EngineRunInput(pk: pk, runId: "run_\(pk)", dagId: dag.id, state: state, logicalDate: logical,
                              queuedAt: clock.now, intervalEnd: intervalEnd ?? logical.addingTimeInterval(86_400),
                              instances: instances, found: found)
    }

    var batch: TransitionBatch? {
        for case .persist(let b) in last { return b }
        return nil
    }
    var launches: [AttemptLaunch] { last.compactMap { if case .launch(let l) = $0 { return l }; return nil } }
    var launched: [String] { launches.map { "\($0.key.runPk).\($0.key.taskId)#\($0.tryNumber)" } }
    var stops: [String] {
        last.compactMap { if case .stop(let k, let n, let s) = $0 { return "\(k.taskId)#\(n):\(s.rawValue)" }; return nil }
    }
    var wake: Date? { last.compactMap { if case .wake(let d) = $0 { return d }; return nil }.first }

    func reason(_ pk: Int64, _ task: String) -> WaitingReason? {
        machine.waitingReason(of: AttemptKey(runPk: pk, taskId: task), now: clock.now)
    }

    mutating func started(_ pk: Int64, _ task: String, try n: Int = 1) {
        send(.attemptStarted(AttemptKey(runPk: pk, taskId: task), tryNumber: n))
    }

    mutating func exit(_ pk: Int64, _ task: String, try n: Int = 1, _ outcome: AttemptOutcome = .success) {
        send(.attemptExited(AttemptKey(runPk: pk, taskId: task), tryNumber: n, outcome: outcome))
    }
}

func task(_ id: String, _ upstream: [String] = [], pool: String = "default_pool", poolSlots: Int = 1,
          retries: Int = 0, delay: Double = 10, backoff: Bool = false, timeout: Double? = nil,
          limit: Double? = nil) -> TaskSpec {
    TaskSpec(id: id, action: .shell("true"), upstream: upstream,
             retry: RetryPolicy(retries: retries, delay: delay, exponentialBackoff: backoff),
             executionTimeout: timeout, pool: pool, poolSlots: poolSlots, runningLimit: limit)
}

func dag(_ id: String, _ tasks: [TaskSpec], maxActiveTasks: Int = 16, maxActiveRuns: Int = 16,
         deadlineMinutes: Double? = nil) -> DAG {
    var d = DAG(id, tasks: tasks, maxActiveTasks: maxActiveTasks)
    d.maxActiveRuns = maxActiveRuns
    d.alerts.runDeadlineMinutes = deadlineMinutes
    return d
}
