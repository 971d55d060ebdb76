import Foundation

/// What the C callbacks need from the server, shared by all pool threads. Immutable except the in-flight counter,
/// which is guarded by a lock; that is why it may be `@unchecked Sendable`.
final class ServerContext: @unchecked Sendable {
    let handler: HTTPHandler
    let maxBodyBytes: Int
    let threadNice: Int
    let maxURIBytes: Int
    let maxHeaderBytes: Int
    let refusalShaper: (@Sendable (String?, HTTPResponse) -> HTTPResponse)?
    private let lock = NSLock()
    private var inFlightCount = 0

    init(handler: @escaping HTTPHandler, maxBodyBytes: Int, threadNice: Int, maxURIBytes: Int, maxHeaderBytes: Int,
         refusalShaper: (@Sendable (String?, HTTPResponse) -> HTTPResponse)? = nil) {
        self.handler = handler
        self.refusalShaper = refusalShaper
        self.maxBodyBytes = maxBodyBytes
        self.threadNice = threadNice
        self.maxURIBytes = maxURIBytes
        self.maxHeaderBytes = maxHeaderBytes
    }

    /// A refusal the server makes by itself, reshaped by the application when it asked to.
    func refusal(_ response: HTTPResponse, rawTarget: String?) -> HTTPResponse {
        refusalShaper?(rawTarget, response) ?? response
    }

    /// Lowers the calling pool thread to `threadNice` if it is not there yet (one cheap syscall per request; the
    /// pool's threads are libmicrohttpd's, with no start hook to do it once).
    func lowerThreadPriority() {
        #if os(Linux)
        guard threadNice > 0 else { return }
        let thread: id_t = 0   // on Linux the nice value is per thread, and `who` 0 is the calling thread
        errno = 0
        let current = getpriority(__priority_which_t(PRIO_PROCESS.rawValue), thread)
        if errno == 0 && current < Int32(threadNice) {
            _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), thread, Int32(threadNice))
        }
        #endif
    }

    /// The daemon's pool threads seen so far (each registers on its requests), so that ``HTTPServer/stop()`` knows
    /// when it is called on one of them.
    private var poolThreads: [pthread_t] = []

    func notePoolThread() {
        let me = pthread_self()
        lock.withLock {
            if !poolThreads.contains(where: { pthread_equal($0, me) != 0 }) { poolThreads.append(me) }
        }
    }

    func isPoolThread() -> Bool {
        let me = pthread_self()
        return lock.withLock { poolThreads.contains { pthread_equal($0, me) != 0 } }
    }

    /// Requests that have started (request line read) and not completed.
    var inFlight: Int { lock.withLock { inFlightCount } }

    func requestStarted() { lock.withLock { inFlightCount += 1 } }

    /// Connections suspended for a deferred answer, answered with a 503 when the server stops.
    private var suspendedRequests: [ObjectIdentifier: SuspendedRequest] = [:]
    private var stopping = false

    /// Registers a suspended request; false when the server is stopping (the caller answers at once instead).
    func addSuspended(_ s: SuspendedRequest) -> Bool {
        lock.withLock {
            guard !stopping else { return false }
            suspendedRequests[ObjectIdentifier(s)] = s
            return true
        }
    }

    func removeSuspended(_ s: SuspendedRequest) { lock.withLock { _ = suspendedRequests.removeValue(forKey: ObjectIdentifier(s)) } }

    /// A restarted server serves again.
    func started() { lock.withLock { stopping = false } }

    /// True once `finishSuspended()` ran: the server is stopping.
    var isStopping: Bool { lock.withLock { stopping } }

    /// Answers every suspended request with a 503 (the server is stopping) and refuses new suspensions.
    func finishSuspended() {
        let pending = lock.withLock { () -> [SuspendedRequest] in
            stopping = true
            defer { suspendedRequests = [:] }
            return Array(suspendedRequests.values)
        }
        for s in pending { s.finish(.error(503, "the server is stopping; try again")) }
    }
    func requestFinished() { lock.withLock { inFlightCount -= 1 } }
}

/// Per-request state, created by the URI logger (libmicrohttpd's `con_cls`), grown by the access handler while the
/// body arrives, and released in the request-completed callback. Only one pool thread touches it at a time.
final class RequestContext {
    /// The request target exactly as sent, or nil when its bytes were not UTF-8.
    let rawTarget: String?
    /// Bytes of the request target as sent (also when they were not UTF-8).
    let rawTargetBytes: Int
    var headersSeen = false
    var body: [UInt8] = []
    /// Set once the body passed the limit; from then on data is counted and dropped, never stored.
    var bodyTooLarge = false
    /// Set while the connection is suspended for a deferred answer.
    var suspended: SuspendedRequest?

    init(rawTarget: String?, rawTargetBytes: Int) {
        self.rawTarget = rawTarget
        self.rawTargetBytes = rawTargetBytes
    }
}
