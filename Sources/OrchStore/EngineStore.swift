import Foundation
import OrchCore

/// What the engine needs of a state store beyond ``StateStore``: one step's transitions written in one
/// transaction, and where task processes find the database.
public protocol EngineStore: StateStore {
    /// The database task processes open for XCom (a file path for SQLite).
    var path: String { get }

    /// Writes one engine step in one transaction: runs admitted (owned by `owner`), task states, the processes of
    /// attempts (`processes`, written before the ends, as ``StateStore/recordAttemptProcess`` would), attempts
    /// begun (with `begun`'s isolation and log path) and ended, runs finished, and the alert outbox rows. All or
    /// nothing. Returns the ids of the attempts begun.
    func applyEngineBatch(_ batch: TransitionBatch, owner: String, begun: [AttemptKey: AttemptStart],
                          processes: [AttemptProcess], alerts: [AlertDraft], now: Date) throws -> [AttemptKey: Int64]

    /// The failed error-severity asset checks of a run (the latest result of each check counts).
    func failedErrorChecks(runPk: Int64) throws -> [CheckBlocking.FailedCheck]
    /// As above, counting the results `taskId`'s attempt reported that its end has not recorded yet.
    func failedErrorChecks(runPk: Int64, reportedBy taskId: String) throws -> [CheckBlocking.FailedCheck]
}

extension EngineStore {
    /// A step with no process to record.
    public func applyEngineBatch(_ batch: TransitionBatch, owner: String, begun: [AttemptKey: AttemptStart],
                                 alerts: [AlertDraft], now: Date) throws -> [AttemptKey: Int64] {
        try applyEngineBatch(batch, owner: owner, begun: begun, processes: [], alerts: alerts, now: now)
    }
}

/// An attempt's process, recorded with the engine's step instead of in a transaction of its own (a forked child
/// whose end was read together with its start).
public struct AttemptProcess: Sendable, Equatable {
    public var attemptId: Int64
    public var key: AttemptKey
    public var pid: Int
    public var startTicks: Int64?
    public init(attemptId: Int64, key: AttemptKey, pid: Int, startTicks: Int64?) {
        self.attemptId = attemptId
        self.key = key
        self.pid = pid
        self.startTicks = startTicks
    }
}

/// How an attempt begun in a batch runs and where it logs.
public struct AttemptStart: Sendable {
    public var isolation: Isolation
    public var logPath: String
    public init(isolation: Isolation, logPath: String) {
        self.isolation = isolation
        self.logPath = logPath
    }
}

/// The columns an ended attempt writes, from its outcome.
struct AttemptEndColumns {
    var exitCode: Int?
    var signal: Int?
    var error: String?
    var attemptState: TaskState

    init(_ outcome: AttemptOutcome) {
        switch outcome {
        case .success: break
        case .failed(let code, _): exitCode = code.map(Int.init); error = outcome.summary
        case .crashed(let sig, _): signal = Int(sig); error = outcome.summary
        case .timedOut, .skipped: error = outcome.summary
        }
        switch outcome {
        case .success: attemptState = .success
        case .skipped: attemptState = .skipped
        default: attemptState = .failed
        }
    }
}
