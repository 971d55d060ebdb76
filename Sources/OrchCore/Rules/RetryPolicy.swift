/// How often and when a failed attempt is tried again.
public struct RetryPolicy: Sendable, Hashable, Codable {
    /// Retries after the first try: a task runs at most `retries + 1` times.
    public var retries: Int
    /// Delay before the first retry, in seconds.
    public var delay: Double
    /// Double the delay at every further retry.
    public var exponentialBackoff: Bool
    /// Upper bound of the delay, in seconds.
    public var maxDelay: Double

    public init(retries: Int = 0, delay: Double = 300, exponentialBackoff: Bool = false, maxDelay: Double = 86_400) {
        self.retries = retries
        self.delay = delay
        self.exponentialBackoff = exponentialBackoff
        self.maxDelay = maxDelay
    }

    public var maxTries: Int { retries + 1 }

    /// Seconds to wait after try `tryNumber` (1-based) failed, or nil when no try is left.
    public func delayAfterFailure(ofTry tryNumber: Int) -> Double? {
        guard tryNumber < maxTries else { return nil }
        guard exponentialBackoff else { return min(delay, maxDelay) }
        let factor = pow2(tryNumber - 1)
        return min(delay * factor, maxDelay)
    }

    private func pow2(_ n: Int) -> Double {
        var r = 1.0
        for _ in 0..<min(n, 60) { r *= 2 }
        return r
    }
}
