import Foundation
import OrchCore

/// A DAG as the state database knows it.
public struct DAGRecord: Sendable, Codable, Hashable {
    public var dagId: String
    public var isPaused: Bool
    public var schedule: String?
    public var timeZone: String
    public var description: String
    public var owner: String
    public var tags: [String]
    public var nextRunAt: Date?
    public var lastInterval: DataInterval?
    /// The DAG version loaded now (issue 13; nil before its bundle was loaded with versions).
    public var version: String? = nil
}

/// Where a DAG's schedule stands: the part of its row the look for due scheduled runs reads.
public struct DAGSchedulePosition: Sendable, Hashable {
    public var dagId: String
    public var isPaused: Bool
    public var lastInterval: DataInterval?
    public var nextRunAt: Date?
}

/// One DAG run.
public struct RunRecord: Sendable, Codable, Hashable {
    public var pk: Int64
    public var dagId: String
    public var runId: String
    public var runType: RunType
    public var state: RunState
    public var logicalDate: Date
    public var dataInterval: DataInterval
    public var conf: [String: JSONValue]
    public var owner: String?
    public var queuedAt: Date
    public var startDate: Date?
    public var endDate: Date?
    /// The DAG version the run was created with (nil: created before versions, or without bundles).
    public var dagVersion: String? = nil
}

/// One task in one run.
public struct TaskInstanceRecord: Sendable, Codable, Hashable {
    public var runPk: Int64
    public var taskId: String
    public var state: TaskState
    public var tryNumber: Int
    public var maxTries: Int
    public var nextRetryAt: Date?
    public var startDate: Date?
    public var endDate: Date?
    public var pid: Int?
    public var error: String?

    public var snapshot: TaskInstanceSnapshot {
        TaskInstanceSnapshot(taskId: taskId, state: state, tryNumber: tryNumber, nextRetryAt: nextRetryAt,
                             maxTries: maxTries)
    }
}

/// One try of a task: every attempt is kept.
public struct AttemptRecord: Sendable, Codable, Hashable {
    public var id: Int64
    public var runPk: Int64
    public var taskId: String
    public var tryNumber: Int
    public var state: TaskState
    public var isolation: String
    public var pid: Int?
    public var pidStartTicks: Int64?
    public var startDate: Date
    public var endDate: Date?
    public var exitCode: Int?
    public var signal: Int?
    public var error: String?
    public var logPath: String
}

/// Who holds the scheduler lease.
public struct LeaseRecord: Sendable, Codable, Hashable {
    public var holder: String
    public var pid: Int
    public var hostname: String
    public var acquiredAt: Date
    public var heartbeatAt: Date
    /// Grows by one each time another holder takes the lease over (kept while the same holder renews it); with
    /// the holder, the fencing token of the scheduler's writes (``SQLStateStore/fenceEngineWrites(holder:epoch:)``).
    public var epoch: Int64 = 0
}

/// An alert to write into the outbox together with a state change.
public struct AlertDraft: Sendable, Hashable {
    public var deliveryId: String
    public var event: String
    public var target: String
    public var dagId: String
    public var runId: String?
    public var taskId: String?
    public var tryNumber: Int?
    public var payload: String
    public init(deliveryId: String, event: String, target: String, dagId: String, runId: String?, taskId: String?,
                tryNumber: Int?, payload: String) {
        self.deliveryId = deliveryId
        self.event = event
        self.target = target
        self.dagId = dagId
        self.runId = runId
        self.taskId = taskId
        self.tryNumber = tryNumber
        self.payload = payload
    }
}

/// Filters for listing runs (API paging and the CLI).
public struct RunQuery: Sendable {
    public var dagId: String?
    public var states: [RunState]
    public var runTypes: [RunType]
    public var logicalFrom: Date?
    public var logicalTo: Date?
    public var limit: Int
    public var offset: Int
    public init(dagId: String? = nil, states: [RunState] = [], runTypes: [RunType] = [], logicalFrom: Date? = nil,
                logicalTo: Date? = nil, limit: Int = 50, offset: Int = 0) {
        self.dagId = dagId
        self.states = states
        self.runTypes = runTypes
        self.logicalFrom = logicalFrom
        self.logicalTo = logicalTo
        self.limit = limit
        self.offset = offset
    }
}
