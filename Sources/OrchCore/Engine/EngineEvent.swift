import Foundation

/// What the engine learns from the outside world. The runtime feeds events in; ``EngineStateMachine`` answers
/// with actions. Every event is handled at a `now` given by the caller.
public enum EngineEvent: Sendable {
    /// Time passed (a timer fell due, or the loop woke up): only the clock changed.
    case tick
    /// Runs the engine should drive, as read from the store: new queued runs, or runs left running by a
    /// scheduler that stopped (restart recovery: their attempts come with what was found of them).
    case runsFound([EngineRunInput])
    /// A run was cleared, marked or deleted by a user: the engine forgets it (it is found again if still active).
    case runForgotten(pk: Int64)
    /// An attempt the engine asked to launch has started (its process, or its in-process task): its timeout counts
    /// from here (the slot was taken at launch), or from `at` when the runtime saw it start earlier than the step.
    case attemptStarted(AttemptKey, tryNumber: Int, at: Date? = nil)
    /// A remote worker holding the attempt's lease sent a heartbeat (issue 19); its lease runs
    /// ``EngineStateMachine/Configuration/leaseTimeout`` seconds from now. (A worker leasing an attempt is
    /// ``attemptStarted(_:tryNumber:)``.)
    case attemptHeartbeat(AttemptKey, tryNumber: Int)
    /// The runtime could not start an attempt the engine launched (its start was not written): its slot is freed.
    case attemptAbandoned(AttemptKey, tryNumber: Int)
    /// An attempt ended, as the launcher saw it.
    case attemptExited(AttemptKey, tryNumber: Int, outcome: AttemptOutcome)
    /// The failed error-severity asset checks of a run, as now recorded (fed before the exit of the attempt that
    /// ran them): tasks reading those assets are blocked instead of scheduled (``CheckBlocking``).
    case checksFailed(runPk: Int64, [CheckBlocking.FailedCheck])
    /// A DAG was paused or unpaused.
    case dagPaused(String, Bool)
    /// The number of worker slots changed.
    case slotsChanged(Int)
    /// The named pools and their sizes, as now configured.
    case poolsChanged([String: Int])
    /// This engine holds (or no longer holds) the scheduler lease; without it nothing starts.
    case leaseChanged(held: Bool)
    /// Shutting down: start nothing new; running attempts are still followed to their end.
    case drain
}

/// A run as the store holds it, with what the engine needs to drive it.
public struct EngineRunInput: Sendable {
    public var pk: Int64
    public var runId: String
    public var dagId: String
    public var state: RunState
    public var logicalDate: Date
    public var queuedAt: Date
    public var intervalEnd: Date
    public var instances: [TaskInstanceSnapshot]
    /// For task instances found queued or running (restart recovery): what became of their attempt.
    public var found: [String: FoundAttempt]
    /// Failed error-severity asset checks already recorded for the run (restart recovery of check blocking).
    public var failedChecks: [CheckBlocking.FailedCheck]
    /// The DAG version the run was created with (nil: none recorded; the run follows the DAG as loaded now).
    public var dagVersion: String?

    public init(pk: Int64, runId: String, dagId: String, state: RunState, logicalDate: Date, queuedAt: Date,
                intervalEnd: Date, instances: [TaskInstanceSnapshot], found: [String: FoundAttempt] = [:],
                failedChecks: [CheckBlocking.FailedCheck] = [], dagVersion: String? = nil) {
        self.failedChecks = failedChecks
        self.dagVersion = dagVersion
        self.pk = pk
        self.runId = runId
        self.dagId = dagId
        self.state = state
        self.logicalDate = logicalDate
        self.queuedAt = queuedAt
        self.intervalEnd = intervalEnd
        self.instances = instances
        self.found = found
    }

    /// The plan the run is evaluated with: its version's when it has one, else its DAG's as loaded now.
    public var planKey: String { EngineStateMachine.planKey(dagId: dagId, version: dagVersion) }
}

/// What the runtime found of an attempt recorded as running when it picked its run up.
public enum FoundAttempt: Sendable, Equatable {
    /// Its process still runs (its lock is held): the engine follows it again.
    case alive(startedAt: Date)
    /// Its process is gone; `outcome` is what it left (its result file), nil when it left nothing.
    case dead(startedAt: Date, outcome: AttemptOutcome?)
    /// No attempt was recorded: the scheduler stopped while starting it.
    case missing
    /// Recorded as begun, but its process never started (it has no lock file and reported no pid): the scheduler
    /// stopped between recording the attempt and launching it. Nothing ran, so the task runs again as that try.
    case neverStarted
    /// An in-process attempt: it died with the process that ran it.
    case lostInProcess(startedAt: Date)
    /// An attempt offered to remote workers: leased (`startedAt`) or not yet (nil). Followed again; its lease
    /// runs from now, so a worker that kept running while no scheduler listened has a lease timeout to report.
    case remote(startedAt: Date?)
}
