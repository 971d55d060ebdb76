import Foundation

/// Where a task instance goes after an attempt ends.
public struct AttemptResolution: Sendable, Hashable {
    public var state: TaskState
    public var nextRetryAt: Date?

    public init(state: TaskState, nextRetryAt: Date?) {
        self.state = state
        self.nextRetryAt = nextRetryAt
    }
    /// The attempt failed and no retry is left: alert "task failed".
    public var isFinalFailure: Bool { state == .failed }
    /// The attempt failed and will be retried: alert "task up for retry".
    public var isRetry: Bool { state == .upForRetry }

    /// Applies the retry policy to an outcome of try `tryNumber` (1-based) that ended at `now`.
    public static func resolve(_ outcome: AttemptOutcome, tryNumber: Int, policy: RetryPolicy,
                               now: Date) -> AttemptResolution {
        switch outcome {
        case .success: return .init(state: .success, nextRetryAt: nil)
        case .skipped: return .init(state: .skipped, nextRetryAt: nil)
        case .failed, .crashed, .timedOut:
            if let delay = policy.delayAfterFailure(ofTry: tryNumber) {
                return .init(state: .upForRetry, nextRetryAt: now.addingTimeInterval(delay))
            }
            return .init(state: .failed, nextRetryAt: nil)
        }
    }
}
