import Foundation
import OrchCore

/// The attempts a launcher is running, by lock path (one per run, task and try), so they can be stopped.
final class LiveAttempts: @unchecked Sendable {
    enum Handle {
        case process(ProcessWatch)
        case inProcess(InProcessAttempt)

        var object: AnyObject {
            switch self {
            case .process(let w): return w
            case .inProcess(let a): return a
            }
        }
    }

    private let lock = NSLock()
    private var handles: [String: Handle] = [:]

    /// Registers an attempt, unless one with the same lock is registered (a second start of the same try, which
    /// its lock refuses: stopping must still reach the first).
    func set(_ path: String, _ h: Handle) {
        lock.withLock { if handles[path] == nil { handles[path] = h } }
    }
    func get(_ path: String) -> Handle? { lock.withLock { handles[path] } }
    /// Unregisters `h` (and only `h`) when it ended.
    func remove(_ path: String, _ h: Handle) {
        lock.withLock { if let current = handles[path], current.object === h.object { handles[path] = nil } }
    }
}

/// An in-process attempt: it ends once, either when its task returns or when the engine stops it.
final class InProcessAttempt: @unchecked Sendable {
    private let lock = NSLock()
    private var ended = false
    private let logger: FileTaskLogger
    private let finished: @Sendable (AttemptOutcome) -> Void
    var task: Task<Void, Never>? {
        get { lock.withLock { _task } }
        set { lock.withLock { _task = newValue } }
    }
    private var _task: Task<Void, Never>?
    /// Called once when it ends (before `finished`); set before the attempt starts.
    var onEnd: (@Sendable () -> Void)?
    /// What stopping it does to a Swift task that runs elsewhere (a bundle's task host); see ``whenStopped(_:)``.
    private var onStop: (@Sendable () -> Void)?
    private var stopped = false

    init(logger: FileTaskLogger, finished: @escaping @Sendable (AttemptOutcome) -> Void) {
        self.logger = logger
        self.finished = finished
    }

    /// The task returned.
    func end(_ outcome: AttemptOutcome) {
        guard claim() else { return }
        if !outcome.isSuccess { logger.log("attempt ended: \(outcome.summary)") }
        runOnEnd()
        finished(outcome)
    }

    /// For an attempt whose Swift task runs elsewhere: what stopping it does there. Run at once when it was
    /// stopped already (the engine stopped it while its task was being sent from another thread).
    func whenStopped(_ action: @escaping @Sendable () -> Void) {
        let stoppedAlready = lock.withLock {
            if !stopped { onStop = action }
            return stopped
        }
        if stoppedAlready { action() }
    }

    /// The engine stopped it (its timeout): reported ended now; the Swift task is cancelled.
    func stop(reason: String) {
        guard claim() else { return }
        task?.cancel()
        lock.withLock {
            stopped = true
            return onStop
        }?()
        logger.log("attempt stopped: \(reason)")
        runOnEnd()
        finished(.failed(exitCode: nil, error: "stopped: \(reason)"))
    }

    /// Runs `onEnd` once and lets it go (it refers to this attempt).
    private func runOnEnd() {
        let end = onEnd
        onEnd = nil
        end?()
    }

    private func claim() -> Bool {
        lock.withLock {
            if ended { return false }
            ended = true
            return true
        }
    }
}
