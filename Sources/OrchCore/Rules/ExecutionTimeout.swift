import Foundation

/// A task's execution timeout: at `startedAt + seconds` its attempt is asked to stop (SIGTERM to its process
/// group), and `killGrace + 1` seconds later whatever of it still lives is killed. An attempt stopped for its
/// timeout is recorded as timed out, however its process then ends.
public struct ExecutionTimeout: Sendable, Equatable {
    public let seconds: Double
    public let killGrace: Double

    public init(seconds: Double, killGrace: Double) {
        self.seconds = seconds
        self.killGrace = killGrace
    }

    /// When the attempt is asked to stop.
    public func terminateAt(startedAt: Date) -> Date { startedAt.addingTimeInterval(seconds) }

    /// When an attempt asked to stop at `terminatedAt` is killed if it has not ended.
    public func killAt(terminatedAt: Date) -> Date { terminatedAt.addingTimeInterval(killGrace + 1) }

    /// The outcome of an attempt whose process ended while no scheduler watched it. Without a result, and once its
    /// timeout has passed, it is recorded as timed out: the timeout would have ended it, and "crashed" would blame
    /// the task for the scheduler's absence. Without a result and within its timeout it failed.
    public func unwatchedOutcome(startedAt: Date, left result: AttemptOutcome?, now: Date) -> AttemptOutcome {
        if let result { return result }
        if now >= terminateAt(startedAt: startedAt) { return .timedOut(seconds: seconds) }
        return ExecutionTimeout.unwatchedFailure
    }

    /// The outcome of a dead attempt that left no result, with no timeout to blame.
    public static let unwatchedFailure = AttemptOutcome.failed(
        exitCode: nil, error: "the task process ended while no scheduler watched it and left no result (killed or crashed)")
}
