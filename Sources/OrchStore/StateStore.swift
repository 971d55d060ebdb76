import Foundation
import OrchCore

/// The run-state database as the runtime, CLI and API see it. The real one is `SQLiteStateStore`.
public protocol StateStore: Sendable {
    // DAGs
    func syncDAGs(_ dags: [DAG], pausedOnCreation: Bool, now: Date) throws
    func dags() throws -> [DAGRecord]
    func dag(_ dagId: String) throws -> DAGRecord?
    func setPaused(_ dagId: String, _ paused: Bool) throws
    func setSchedulePosition(_ dagId: String, lastInterval: DataInterval?, nextRunAt: Date?) throws

    // Runs
    /// `logicalDate`: nil for the interval's start. `generatedRunId`: the id was made by ``RunIdRule`` and may take a
    /// suffix when taken (else a taken id is a conflict).
    func createRun(dagId: String, runId: String, runType: RunType, interval: DataInterval, logicalDate: Date?,
                   conf: [String: JSONValue], tasks: [(id: String, maxTries: Int)], owner: String?, now: Date,
                   generatedRunId: Bool) throws -> RunRecord
    func run(pk: Int64) throws -> RunRecord?
    func run(dagId: String, runId: String) throws -> RunRecord?
    func runs(_ query: RunQuery) throws -> [RunRecord]
    func countRuns(_ query: RunQuery) throws -> Int
    func activeRuns() throws -> [RunRecord]
    func runExists(dagId: String, logicalDate: Date, runType: RunType) throws -> Bool
    func startRun(pk: Int64, owner: String?, now: Date) throws
    func finishRun(pk: Int64, state: RunState, now: Date, alerts: [AlertDraft]) throws
    func setRunOwner(pk: Int64, owner: String?) throws

    // Task instances and attempts
    func taskInstances(runPk: Int64) throws -> [TaskInstanceRecord]
    func setTaskStates(runPk: Int64, _ changes: [(taskId: String, state: TaskState)], now: Date) throws
    func beginAttempt(runPk: Int64, taskId: String, tryNumber: Int, isolation: Isolation, logPath: String,
                      now: Date) throws -> Int64
    func recordAttemptProcess(attemptId: Int64, runPk: Int64, taskId: String, pid: Int, startTicks: Int64?) throws
    func finishAttempt(runPk: Int64, taskId: String, tryNumber: Int, outcome: AttemptOutcome,
                       resolution: AttemptResolution, now: Date, alerts: [AlertDraft]) throws
    func attempts(runPk: Int64, taskId: String?) throws -> [AttemptRecord]
    func clearTasks(runPk: Int64, taskIds: [String], now: Date) throws
    func markRun(pk: Int64, state: RunState, now: Date) throws
    func markTasks(runPk: Int64, taskIds: [String], state: TaskState, now: Date) throws
    func deleteRun(pk: Int64) throws

    // XCom
    func pushXCom(runPk: Int64, taskId: String, key: String, value: JSONValue, now: Date) throws
    func pullXCom(runPk: Int64, taskId: String, key: String) throws -> JSONValue?
    func xcoms(runPk: Int64) throws -> [(taskId: String, key: String, value: JSONValue)]

    // Scheduler lease
    func acquireLease(holder: String, pid: Int, hostname: String, now: Date, ttl: Double,
                      holderIsAlive: (LeaseRecord) -> Bool) throws -> LeaseRecord?
    func heartbeat(holder: String, now: Date) throws -> Bool
    func releaseLease(holder: String) throws
    func lease() throws -> LeaseRecord?

    // Pools
    func pools() throws -> [String: Int]
    func setPool(_ name: String, slots: Int, description: String) throws
}
