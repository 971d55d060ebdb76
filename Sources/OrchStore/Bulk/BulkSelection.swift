import Foundation
import OrchCore

/// What a bulk action acts on: whole runs (clear every task, or mark the run) or task instances.
public enum BulkTarget: String, Sendable, Hashable {
    case runs, tasks
}

/// The three hand actions that can be applied to many runs or task instances at once.
public enum BulkAction: String, Sendable, Hashable, CaseIterable {
    case clear
    case markSuccess = "mark_success"
    case markFailed = "mark_failed"

    /// The bulk action that marks `state` (success or failed); nil for any other state.
    public static func mark(_ state: String) -> BulkAction? {
        switch state {
        case "success": return .markSuccess
        case "failed": return .markFailed
        default: return nil
        }
    }
}

/// Which runs of one DAG a bulk action covers, and which of their task instances. Every list that is empty and
/// every date that is nil means "any". Dates are the runs' logical dates, both ends included.
public struct BulkFilter: Sendable, Hashable {
    public var dagId: String
    /// Only these runs (the dashboard's selected rows).
    public var runIds: [String]
    public var runStates: [RunState]
    public var logicalFrom: Date?
    public var logicalTo: Date?
    /// Only these tasks (task actions; a run clear clears only these of each run).
    public var taskIds: [String]
    /// Only task instances now in these states (a run clear with `[failed, upstream_failed]` clears only those).
    public var taskStates: [TaskState]

    /// The most runs one bulk action may touch; a filter that matches more is refused, to be narrowed.
    public static let maxRuns = 5_000

    public init(dagId: String, runIds: [String] = [], runStates: [RunState] = [], logicalFrom: Date? = nil,
                logicalTo: Date? = nil, taskIds: [String] = [], taskStates: [TaskState] = []) {
        self.dagId = dagId
        self.runIds = runIds
        self.runStates = runStates
        self.logicalFrom = logicalFrom
        self.logicalTo = logicalTo
        self.taskIds = taskIds
        self.taskStates = taskStates
    }

    /// False when nothing narrows the DAG's runs: a bulk action over every run must be asked for by dates.
    public var isNarrowed: Bool {
        !runIds.isEmpty || !runStates.isEmpty || logicalFrom != nil || logicalTo != nil || !taskIds.isEmpty
            || !taskStates.isEmpty
    }

    /// The runs part of the filter, as a run listing query (run ids are matched apart; the limit is the caller's).
    var runQuery: RunQuery {
        RunQuery(dagId: dagId, states: runStates, logicalFrom: logicalFrom, logicalTo: logicalTo)
    }

    /// True when the task instance passes the task part of the filter.
    func includes(_ instance: TaskInstanceRecord) -> Bool {
        (taskIds.isEmpty || taskIds.contains(instance.taskId))
            && (taskStates.isEmpty || taskStates.contains(instance.state))
    }
}

/// One run that a bulk action changes, with the task instances whose state changes in it.
public struct BulkRunChange: Sendable, Hashable {
    public var run: RunRecord
    /// Cleared or marked task ids, in task id order; for a run mark, the unfinished tasks that take its state.
    public var taskIds: [String]
}

/// A run or task instance the filter matched but the action leaves alone, and why.
public struct BulkSkip: Sendable, Hashable {
    public var runId: String
    public var taskId: String?
    public var reason: String
}

/// What a bulk action changes (or, in a dry run, would change) and what it leaves alone.
public struct BulkPlan: Sendable, Hashable {
    public var target: BulkTarget
    public var action: BulkAction
    public var dryRun: Bool
    public var changes: [BulkRunChange]
    public var skipped: [BulkSkip]

    /// How many task instances change state.
    public var taskCount: Int { changes.reduce(0) { $0 + $1.taskIds.count } }
}
