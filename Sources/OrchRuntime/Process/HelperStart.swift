import Foundation

/// What a helper client knows about starting its helper, readable while the client's own lock is held (a start holds
/// that lock for as long as the helper takes to say `ready`, up to 10 s; an event or a send for microseconds):
/// whether a start is under way, and what the executable answered. Shared by ``ForkServerClient`` and
/// ``TaskHostClient``.
final class HelperStart: @unchecked Sendable {
    private let lock = NSLock()
    private var starting = false
    private var answer: Bool?

    /// A start is under way: an attempt sent now would wait for it.
    var isStarting: Bool { lock.withLock { starting } }

    /// Whether the executable answered as the helper (true) or as something else (false, for good: an executable
    /// built with an older OrchSDK); nil before its first answer.
    var answeredAsHelper: Bool? { lock.withLock { answer } }

    /// Runs a start, flagged as under way while it runs, and keeps its answer. A start whose first line is not
    /// `ready` from an executable that has answered as the helper before is a failed start (a crash before `ready`,
    /// no line in time), not a change of answer: bundle copies are named by their hash, so the bytes are the same.
    func run(_ start: () -> HelperProcess.Start) -> HelperProcess.Start {
        lock.withLock { starting = true }
        let started = start()
        return lock.withLock {
            starting = false
            switch started {
            case .started: answer = true
            case .notAHelper where answer == true: return .failed
            case .notAHelper: answer = false
            case .failed: break
            }
            return started
        }
    }
}
