import Foundation

/// An answer a handler gives later (a long poll): the server suspends the connection, without holding its pool
/// thread, until `finish` is called from any thread; the other connections of that thread go on being served.
/// `finish` counts once; when the server stops, every pending answer is finished with a 503 first (libmicrohttpd
/// may not stop while a connection is suspended).
public final class DeferredResponse: @unchecked Sendable {
    /// Called once the connection is suspended, with the function that answers it.
    let start: @Sendable (_ finish: @escaping @Sendable (HTTPResponse) -> Void) -> Void

    public init(start: @escaping @Sendable (_ finish: @escaping @Sendable (HTTPResponse) -> Void) -> Void) {
        self.start = start
    }
}

extension HTTPResponse {
    /// An answer given later through `start`'s `finish` (see ``DeferredResponse``).
    public static func deferred(_ start: @escaping @Sendable (_ finish: @escaping @Sendable (HTTPResponse) -> Void) -> Void)
        -> HTTPResponse {
        var r = HTTPResponse(status: 200)
        r.deferred = DeferredResponse(start: start)
        return r
    }
}

/// A suspended connection waiting for its answer. `@unchecked Sendable`: its fields change under `lock`; the
/// connection pointer is only handed to `MHD_resume_connection`, which is safe from any thread.
final class SuspendedRequest: @unchecked Sendable {
    private let lock = NSLock()
    private var answer: HTTPResponse?
    private var finished = false
    private let resume: @Sendable () -> Void

    init(resume: @escaping @Sendable () -> Void) { self.resume = resume }

    /// Stores the answer and resumes the connection; later calls do nothing. True when this call answered.
    @discardableResult
    func finish(_ response: HTTPResponse) -> Bool {
        let first = lock.withLock { () -> Bool in
            guard !finished else { return false }
            finished = true
            answer = response
            return true
        }
        if first { resume() }
        return first
    }

    /// The answer, once finished (taken by the access handler when libmicrohttpd calls it again after resume).
    func takeAnswer() -> HTTPResponse? {
        lock.withLock {
            defer { answer = nil }
            return answer
        }
    }
}
