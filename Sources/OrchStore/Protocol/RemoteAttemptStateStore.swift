import Foundation
import OrchCore

/// An attempt offered to remote workers (issue 19), as stored in `remote_attempt`.
public struct RemoteAttemptRecord: Sendable, Hashable {
    public enum State: String, Sendable { case offered, leased, completed, lost, cancelled }
    public var attemptId: Int64
    public var runPk: Int64
    public var taskId: String
    public var tryNumber: Int
    public var dagId: String
    public var queue: String
    public var bundleSHA256: String
    /// The attempt's spec as the worker needs it (JSON).
    public var spec: String
    public var state: State
    /// Grows with each lease: part of the fencing token.
    public var epoch: Int
    /// SHA-256 (hex) of the secret of the current lease's fencing token.
    public var secretHash: String?
    public var worker: String?
    public var offeredAt: Date
    public var leasedAt: Date?
    public var heartbeatAt: Date?
    /// `terminate` or `kill`, when the scheduler asked the worker to stop the attempt (its timeout).
    public var stopSignal: String?
    public var outcome: AttemptOutcome?
    public var version: Int64

    public var key: AttemptKey { AttemptKey(runPk: runPk, taskId: taskId) }
}

/// What a worker's call presenting a fencing token found.
public enum LeaseCheck: Sendable, Equatable {
    /// The lease is current: the call may proceed.
    case current(RemoteAttemptRecord)
    /// Refused (409): the lease was lost or revoked, the attempt ended or moved on to another try; the reason says which.
    case refused(String)
}

/// The offers and leases of remote attempts: the scheduler offers and revokes, the API leases, heartbeats and
/// completes. Every worker call presents the fencing token (`attempt_id`, `epoch`, secret) and is refused once the
/// lease is not current or the task instance is no longer on that try.
public protocol RemoteAttemptStateStore: Sendable {
    func offerRemoteAttempt(attemptId: Int64, runPk: Int64, taskId: String, tryNumber: Int, dagId: String,
                            queue: String, bundleSHA256: String, spec: String, now: Date) throws
    /// Leases up to `limit` offered attempts of `queues` (oldest offer first) to `worker`; `secretHash` gives
    /// each lease the hash of its fresh secret. A lease counts once its worker acknowledges it with a first
    /// heartbeat: one never acknowledged within `unacknowledgedAfter` seconds (its answer went to a worker that
    /// died while it waited) is leased again, with a new epoch, without costing the task a try.
    func leaseRemoteAttempts(queues: [String], worker: String, limit: Int, now: Date, unacknowledgedAfter: Double,
                             secretHash: (Int64) -> String) throws -> [RemoteAttemptRecord]
    /// Checks a fencing token; `matches` compares the stored secret hash (in constant time).
    func checkLease(attemptId: Int64, epoch: Int, matches: (String) -> Bool) throws -> LeaseCheck
    func heartbeatRemoteAttempt(attemptId: Int64, epoch: Int, now: Date) throws -> Bool
    func completeRemoteAttempt(attemptId: Int64, epoch: Int, outcome: AttemptOutcome, now: Date) throws -> Bool
    /// The highest change number so far (0: none).
    func remoteAttemptVersion() throws -> Int64
    /// Rows changed after `version`, in the order they changed.
    func remoteAttemptChanges(since version: Int64) throws -> [RemoteAttemptRecord]
    func remoteAttempt(runPk: Int64, taskId: String, tryNumber: Int) throws -> RemoteAttemptRecord?
    /// Every attempt offered and not leased yet, oldest offer first (why a queued task waits).
    func offeredRemoteAttempts() throws -> [RemoteAttemptRecord]
    /// Ends the offer or lease of a try that is not over (`lost`: no heartbeat; `cancelled`: not wanted any more).
    @discardableResult
    func revokeRemoteAttempt(runPk: Int64, taskId: String, tryNumber: Int, as state: RemoteAttemptRecord.State,
                             now: Date) throws -> Bool
    func requestRemoteStop(runPk: Int64, taskId: String, tryNumber: Int, signal: String) throws
}
