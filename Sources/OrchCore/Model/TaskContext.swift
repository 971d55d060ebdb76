import Foundation

/// The window of data a run covers; the run is due when the window ends. A scheduled or backfill run's logical date is
/// its start; a manual run's is the date it was given or the time it was triggered (see `Timetable.manualInterval`).
public struct DataInterval: Sendable, Hashable, Codable {
    public var start: Date
    public var end: Date
    public init(start: Date, end: Date) { self.start = start; self.end = end }
}

/// Where a task writes its log lines: the attempt's log file.
public protocol TaskLogger: Sendable {
    func log(_ message: String)
}

/// Push and pull of small JSON values between tasks of one run (Airflow's XCom).
public protocol XComAccess: Sendable {
    func push(task: String, key: String, value: JSONValue) throws
    func pull(task: String, key: String) throws -> JSONValue?
}

/// Thrown by a task to end its attempt as skipped instead of failed.
public struct TaskSkip: Error, CustomStringConvertible {
    public let reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { "skipped: \(reason)" }
}

/// Everything a task's action is given.
public struct TaskContext: Sendable {
    public let dagId: String
    public let taskId: String
    public let runId: String
    public let logicalDate: Date
    public let dataInterval: DataInterval
    /// The DAG's params with the run's conf merged over them.
    public let params: [String: JSONValue]
    public let tryNumber: Int
    /// ORCH_HOME: where a task may keep data of its own (under `data/`).
    public let home: String
    public let logger: TaskLogger
    let xcom: XComAccess

    public init(dagId: String, taskId: String, runId: String, logicalDate: Date, dataInterval: DataInterval,
                params: [String: JSONValue], tryNumber: Int, home: String, logger: TaskLogger, xcom: XComAccess) {
        self.dagId = dagId
        self.taskId = taskId
        self.runId = runId
        self.logicalDate = logicalDate
        self.dataInterval = dataInterval
        self.params = params
        self.tryNumber = tryNumber
        self.home = home
        self.logger = logger
        self.xcom = xcom
    }

    /// Writes a line to this attempt's log.
    public func log(_ message: String) { logger.log(message) }

    /// Stores a small JSON value for downstream tasks of this run.
    public func push(_ key: String = "return_value", _ value: JSONValue) throws {
        try xcom.push(task: taskId, key: key, value: value)
    }

    /// Reads a value pushed by another task of this run.
    public func pull(from task: String, key: String = "return_value") throws -> JSONValue? {
        try xcom.pull(task: task, key: key)
    }

    /// Reports what this attempt wrote to `asset` (one of the task's outlets): rows inserted, updated, deleted,
    /// and anything else worth showing. Recorded with the materialization when the attempt succeeds; a later
    /// report for the same asset in the same attempt replaces an earlier one.
    public func materialize(_ asset: String, _ report: AssetMaterialization) throws {
        if let problem = AssetURI.problem(asset) { throw AssetURIError(problem) }
        try xcom.push(task: taskId, key: AssetMaterialization.xcomKey(asset), value: report.json)
    }

    /// The logical date as `YYYY-MM-DD` in UTC (Airflow's `ds`).
    public var ds: String { UTCFormat.day(logicalDate) }
}
