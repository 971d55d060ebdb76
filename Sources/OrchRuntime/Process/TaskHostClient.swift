#if canImport(Glibc)
import Glibc
#endif
import Foundation
import OrchCore

/// The pool's side of a bundle's task host (`<bundle> __task-host`, see ``TaskHost``): starts it with two pipes,
/// sends it attempts and cancellations, and turns its event lines into callbacks. When the host dies, every
/// attempt it ran ends as crashed (they shared its process); the next attempt starts a new host.
final class TaskHostClient: @unchecked Sendable {
    typealias Finished = @Sendable (AttemptOutcome) -> Void

    private let executable: String
    private let lock = NSLock()
    private var requestFD: Int32 = -1
    private var hostPid: pid_t = 0
    private var nextId = 1
    private var attempts: [Int: Finished] = [:]
    /// What the running host keeps of each run's spec (and the protocol version it announced).
    private var contexts = RunContexts()
    private var idle: HelperIdleRetirement
    private let starts = HelperStart()
    /// The executable did not answer as a task host (built with an older OrchSDK): its in-process tasks run as
    /// processes instead.
    private var unavailable: Bool { starts.answeredAsHelper == false }

    init(executable: String, idleSeconds: Double?) {
        self.executable = executable
        idle = HelperIdleRetirement(seconds: idleSeconds)
    }

    /// Starts the host if it is not running. False when this executable has no task host. Asked before the
    /// executable has first answered (the pool's isolation question) and by warm-ups; it counts as a change to the
    /// host's work.
    func isAvailable() -> Bool {
        lock.withLock {
            startIfDown()
            return !unavailable
        }
    }

    /// Whether the executable has answered as a task host (true) or as something else (false) when last started;
    /// nil before it was. Never waits for a start under way.
    var answeredAsHost: Bool? { starts.answeredAsHelper }

    /// True when sending an attempt now would not wait for a host to start: one is up (or none can be) and no
    /// other thread is starting one.
    var launchesWithoutWaiting: Bool {
        guard lock.try() else { return !starts.isStarting }   // held for an event or a send, or for a start
        defer { lock.unlock() }
        return requestFD >= 0 || unavailable
    }

    /// Starts the host if it is not running; returns its process id, or nil when none could be started.
    func start() -> Int32? {
        lock.withLock {
            startIfDown()
            return requestFD >= 0 ? hostPid : nil
        }
    }

    /// Must hold the lock. Starts the host unless it is up or this executable has none; either way a change to
    /// the host's work.
    private func startIfDown() {
        if requestFD < 0 && !unavailable { _ = startHost() } else { workChanged() }
    }

    /// Sends one attempt to the host (starting it if needed); returns its request id, or nil when no host can be
    /// started or reached. `finished` is called once, unless the attempt is cancelled.
    func launch(_ spec: AttemptSpec, finished: @escaping Finished) -> Int? {
        lock.withLock {
            guard !unavailable else { return nil }
            for _ in 0..<2 {
                if requestFD < 0 && !startHost() { return nil }
                let id = nextId
                nextId += 1
                guard let line = contexts.requestLine(id: id, spec: spec) else { return nil }
                attempts[id] = finished
                if writeAll(requestFD, line) { workChanged(); return id }
                attempts[id] = nil
                close(requestFD)   // the host is gone; start another and try once more
                requestFD = -1
            }
            return nil
        }
    }

    /// Asks the host to cancel an attempt (its Swift task); the pool has already reported it ended.
    func cancel(_ id: Int) {
        lock.withLock {
            attempts[id] = nil
            workChanged()
            guard requestFD >= 0, let data = try? JSONEncoder().encode(TaskHostProtocol.Request(id: id, spec: nil)) else { return }
            _ = writeAll(requestFD, Array(data) + [UInt8(ascii: "\n")])
        }
    }

    /// Closing the request pipe stops the host and the attempts still in it.
    func shutdown() {
        lock.withLock {
            if requestFD >= 0 { close(requestFD) }
            requestFD = -1
        }
    }

    /// Must hold the lock.
    private func startHost() -> Bool {
        var version = 1
        let started = starts.run {
            HelperProcess.start(executable, command: "__task-host", isReady: { line in
                version = TaskHostProtocol.version(ofReadyLine: line)
                return TaskHostProtocol.Event.parse(line) == .ready
            })
        }
        switch started {
        case .failed, .notAHelper:   // the answer, which attempts' recorded isolation goes by, is kept in `starts`
            return false
        case .started(let host):
            requestFD = host.requestFD
            hostPid = host.pid
            contexts.reset(version: version)
            Thread.detachNewThread { [self] in readEvents(host) }
            workChanged()
            return true
        }
    }

    /// Must hold the lock. After any change to the host's work: when it has none, a check ``idleSeconds`` later
    /// closes its request pipe unless its work changed in between; the host leaves, with any cancelled attempt still
    /// in it, and the next attempt starts another (``HelperIdleRetirement``).
    private func workChanged() {
        idle.changed(idle: requestFD >= 0 && attempts.isEmpty) { [weak self] stamp in
            guard let self else { return }
            lock.withLock { idle.retire(&requestFD, ifIdleSince: stamp) }
        }
    }

    private func readEvents(_ host: HelperProcess) {
        EngineTurnExecutor.runTurnsOnThisThread()   // the turn an attempt's end wakes runs here (EngineTurnExecutor)
        let status = host.readEventBatches { lines in
            EngineTurnExecutor.afterBatch { for line in lines { if let event = TaskHostProtocol.Event.parse(line) { dispatch(event) } } }
        }
        let pid = host.pid
        // An attempt that shared a host which exited is reported as killed: it did not end by itself.
        let exit = ChildExit(waitStatus: status)
        let signal: Int32 = if case .signaled(let signal) = exit { signal } else { SIGKILL }
        lock.lock()
        let orphans = hostPid == pid ? attempts : [:]
        if hostPid == pid {
            attempts = [:]
            if requestFD >= 0 { close(requestFD); requestFD = -1 }
        }
        lock.unlock()
        // They shared the host's process: they ended with it.
        for finished in orphans.values {
            finished(.crashed(signal: signal,
                                error: "the bundle's task host (pid \(pid)) \(exit.howItEnded) while the attempt ran in it"))
        }
    }

    private func dispatch(_ event: TaskHostProtocol.Event) {
        switch event {
        case .ready:
            break
        case .started:
            break   // the pool reported it started when it sent it (as for an attempt in orch's own process)
        case .finished(let id, let outcome):
            let finished = lock.withLock {
                defer { workChanged() }
                return attempts.removeValue(forKey: id)
            }
            finished?(outcome)
        }
    }
}
