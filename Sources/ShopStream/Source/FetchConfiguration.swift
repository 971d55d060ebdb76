/// How ``SourceFetcher`` talks to the source.
public struct FetchConfiguration: Sendable {
    /// Base URL without a trailing slash, e.g. `https://dummyjson.com` or `http://127.0.0.1:8123`.
    public var baseURL: String
    /// Records asked for per page (`limit`).
    public var pageSize: Int
    /// Whole-request timeout per attempt.
    public var timeoutSeconds: Double
    /// Attempts per page before giving up (1 = no retry).
    public var maxAttempts: Int
    /// First backoff after a 5xx, timeout or connection error; doubled each retry up to `maxBackoffSeconds`.
    public var initialBackoffSeconds: Double
    public var maxBackoffSeconds: Double
    /// A 429's `Retry-After` is honoured up to this many seconds.
    public var maxRetryAfterSeconds: Double

    public init(baseURL: String, pageSize: Int = 100, timeoutSeconds: Double = 15, maxAttempts: Int = 5,
                initialBackoffSeconds: Double = 0.5, maxBackoffSeconds: Double = 8, maxRetryAfterSeconds: Double = 30) {
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        self.baseURL = base
        self.pageSize = pageSize
        self.timeoutSeconds = timeoutSeconds
        self.maxAttempts = maxAttempts
        self.initialBackoffSeconds = initialBackoffSeconds
        self.maxBackoffSeconds = maxBackoffSeconds
        self.maxRetryAfterSeconds = maxRetryAfterSeconds
    }

    /// The backoff before retry number `retry` (1-based) after a 5xx, timeout or connection error.
    func backoff(retry: Int) -> Double {
        min(maxBackoffSeconds, initialBackoffSeconds * Double(1 << min(retry - 1, 20)))
    }
}
