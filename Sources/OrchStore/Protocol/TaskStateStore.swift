import Foundation
import OrchCore

/// Task instances and their attempts (every try is kept), and the hand actions on tasks.
public protocol TaskStateStore: Sendable {
    /// In task id order.
    func taskInstances(runPk: Int64) throws -> [TaskInstanceRecord]
    func setTaskStates(runPk: Int64, _ changes: [(taskId: String, state: TaskState)], now: Date) throws
    /// Records a try as running and returns the attempt's id; a task not waiting to start, or a try already
    /// recorded, is refused (the same try never starts twice).
    func beginAttempt(runPk: Int64, taskId: String, tryNumber: Int, isolation: Isolation, logPath: String,
                      now: Date) throws -> Int64
    func recordAttemptProcess(attemptId: Int64, runPk: Int64, taskId: String, pid: Int, startTicks: Int64?) throws
    func finishAttempt(runPk: Int64, taskId: String, tryNumber: Int, outcome: AttemptOutcome,
                       resolution: AttemptResolution, now: Date, alerts: [AlertDraft]) throws
    /// One task's tries by try number, or (task nil) the run's by start time.
    func attempts(runPk: Int64, taskId: String?) throws -> [AttemptRecord]
    /// The tasks run again (max_tries grows by the tries used; queued and running ones are left); the run is queued.
    func clearTasks(runPk: Int64, taskIds: [String], now: Date) throws
    /// Tasks of a finished run take `state` (success or failed); the run is queued again.
    func markTasks(runPk: Int64, taskIds: [String], state: TaskState, now: Date) throws
}
