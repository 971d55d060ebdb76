import Foundation

/// What the engine asks the runtime to do, in order: persist first (one transaction), then launch, stop, and
/// sleep until the wake time at the latest.
public enum EngineAction: Sendable {
    /// Write these transitions in one transaction.
    case persist(TransitionBatch)
    /// Start this attempt (its `beginAttempt` row is in the batch persisted before).
    case launch(AttemptLaunch)
    /// Signal a running attempt: `.terminate` at its timeout, `.kill` when it outlived the grace period.
    case stop(AttemptKey, tryNumber: Int, StopSignal)
    /// A remote attempt's lease is lost (no heartbeat within the lease timeout): its worker's later calls must be
    /// refused. Comes before the batch that records the attempt's end.
    case revokeLease(AttemptKey, tryNumber: Int)
    /// Nothing is due before this time unless an event arrives.
    case wake(at: Date)
}

public enum StopSignal: String, Sendable, Hashable {
    case terminate, kill
}

/// An attempt to start.
public struct AttemptLaunch: Sendable, Hashable {
    public var key: AttemptKey
    public var dagId: String
    public var tryNumber: Int
    /// The first attempt of its run: the run's trigger-to-start time can be measured.
    public var isRunsFirst: Bool
    /// Offered to remote workers on this queue instead of run by the local pool (nil: local).
    public var remoteQueue: String?
    public init(key: AttemptKey, dagId: String, tryNumber: Int, isRunsFirst: Bool, remoteQueue: String? = nil) {
        self.remoteQueue = remoteQueue
        self.key = key
        self.dagId = dagId
        self.tryNumber = tryNumber
        self.isRunsFirst = isRunsFirst
    }
}

/// The state changes of one step, to be written in one transaction.
public struct TransitionBatch: Sendable {
    public struct TaskChange: Sendable, Hashable {
        public var key: AttemptKey
        public var state: TaskState
        /// Why, when the change needs saying (a task blocked by a failed asset check names the check).
        public var error: String?
        public init(key: AttemptKey, state: TaskState, error: String? = nil) {
            self.key = key
            self.state = state
            self.error = error
        }
    }
    public struct AttemptBegin: Sendable, Hashable {
        public var key: AttemptKey
        public var tryNumber: Int
        public init(key: AttemptKey, tryNumber: Int) { self.key = key; self.tryNumber = tryNumber }
    }
    public struct AttemptEnd: Sendable, Hashable {
        public var key: AttemptKey
        public var tryNumber: Int
        public var outcome: AttemptOutcome
        public var resolution: AttemptResolution
        /// The task's outlets: a successful attempt records a materialization of each (assets), in the same batch.
        public var outlets: [String]
        /// The task runs asset checks: its attempt's end records the results they reported.
        public var hasChecks: Bool
        public init(key: AttemptKey, tryNumber: Int, outcome: AttemptOutcome, resolution: AttemptResolution,
                    outlets: [String] = [], hasChecks: Bool = false) {
            self.key = key
            self.tryNumber = tryNumber
            self.outcome = outcome
            self.resolution = resolution
            self.outlets = outlets
            self.hasChecks = hasChecks
        }

        /// Whether the end has asset bookkeeping to do (materializations, check results and their reports).
        public var touchesAssets: Bool { !outlets.isEmpty || hasChecks }
    }
    public struct RunEnd: Sendable, Hashable {
        public var pk: Int64
        public var state: RunState
        /// Failed tasks of the run, for its alert.
        public var failedTasks: [String]
        public init(pk: Int64, state: RunState, failedTasks: [String]) {
            self.pk = pk
            self.state = state
            self.failedTasks = failedTasks
        }
    }

    /// Queued runs admitted now: they become running.
    public var startedRuns: [Int64] = []
    /// Task states decided by trigger rules (scheduled, skipped, upstream_failed, removed).
    public var taskChanges: [TaskChange] = []
    public var attemptsBegun: [AttemptBegin] = []
    /// Attempts recorded as begun whose process never started (restart recovery): their records are removed and
    /// their tasks are scheduled again with the try number they had before. Applied before `attemptsBegun`.
    public var attemptsWithdrawn: [AttemptBegin] = []
    public var attemptsEnded: [AttemptEnd] = []
    public var finishedRuns: [RunEnd] = []
    public var alerts: [AlertIntent] = []

    public init() {}

    public var isEmpty: Bool {
        startedRuns.isEmpty && taskChanges.isEmpty && attemptsBegun.isEmpty && attemptsWithdrawn.isEmpty
            && attemptsEnded.isEmpty
            && finishedRuns.isEmpty && alerts.isEmpty
    }
}

/// An alert the engine decided on; the runtime composes its message from the DAG's alert rules.
public struct AlertIntent: Sendable, Hashable {
    public var kind: AlertEventKind
    public var runPk: Int64
    public var taskId: String?
    public var tryNumber: Int?
    public var state: String
    public var error: String?
    public var detail: String?

    public init(kind: AlertEventKind, runPk: Int64, taskId: String? = nil, tryNumber: Int? = nil, state: String,
                error: String? = nil, detail: String? = nil) {
        self.kind = kind
        self.runPk = runPk
        self.taskId = taskId
        self.tryNumber = tryNumber
        self.state = state
        self.error = error
        self.detail = detail
    }
}
