#if canImport(Glibc)
import Glibc
#endif
import CProcessControl
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
    /// Set when the executable did not answer as a task host (built with an older OrchSDK): its in-process tasks
    /// run as processes instead.
    private var unavailable = false

    init(executable: String) { self.executable = executable }

    /// Starts the host if it is not running. False when this executable has no task host.
    func isAvailable() -> Bool {
        lock.withLock {
            if requestFD < 0 && !unavailable { _ = startHost() }
            return !unavailable
        }
    }

    /// The host's process id (0 before it first started).
    var pid: Int32 { lock.withLock { hostPid } }

    /// Sends one attempt to the host (starting it if needed); returns its request id, or nil when no host can be
    /// started or reached. `finished` is called once, unless the attempt is cancelled.
    func launch(_ spec: AttemptSpec, finished: @escaping Finished) -> Int? {
        lock.withLock {
            guard !unavailable else { return nil }
            for _ in 0..<2 {
                if requestFD < 0 && !startHost() { return nil }
                let id = nextId
                nextId += 1
                guard let data = try? JSONEncoder().encode(TaskHostProtocol.Request(id: id, spec: spec)) else { return nil }
                attempts[id] = finished
                if writeAll(requestFD, Array(data) + [UInt8(ascii: "\n")]) { return id }
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
        var requests: [Int32] = [0, 0]
        var events: [Int32] = [0, 0]
        guard pipe(&requests) == 0 else { return false }
        guard pipe(&events) == 0 else { close(requests[0]); close(requests[1]); return false }
        for fd in requests + events { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, requests[0], 0)
        posix_spawn_file_actions_adddup2(&actions, events[1], 1)
        orch_spawn_close_from(&actions, 3)
        let argv: [UnsafeMutablePointer<CChar>?] = [executable, "__task-host"].map { (s: String) in strdup(s) } + [nil]
        // Ordinary variables only, as for any attempt; what a DAG asked for travels in each attempt's spec.
        let envp = TaskEnvironment.base(ProcessInfo.processInfo.environment).map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { argv.forEach { free($0) }; envp.forEach { free($0) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, executable, &actions, nil, argv, envp)
        close(requests[0])
        close(events[1])
        guard rc == 0 else { close(requests[1]); close(events[0]); return false }
        guard ReadyLine.wait(events[0], isReady: { TaskHostProtocol.Event.parse($0) == .ready }) else {
            unavailable = true
            close(requests[1])
            close(events[0])
            kill(pid, SIGKILL)
            var status: Int32 = 0
            waitpid(pid, &status, 0)
            return false
        }
        requestFD = requests[1]
        hostPid = pid
        let eventFD = events[0]
        let started = pid
        Thread.detachNewThread { [self] in readEvents(eventFD, hostPid: started) }
        return true
    }

    private func readEvents(_ fd: Int32, hostPid pid: pid_t) {
        var pending: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = read(fd, &buffer, buffer.count)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            pending.append(contentsOf: buffer[0..<n])
            var start = pending.startIndex
            while let nl = pending[start...].firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: pending[start..<nl], as: UTF8.self)
                start = nl + 1
                if let event = TaskHostProtocol.Event.parse(Substring(line)) { dispatch(event) }
            }
            pending.removeSubrange(..<start)
        }
        close(fd)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        let signal = status & 0x7f
        let how = signal != 0 ? "was killed by signal \(signal)" : "exited with code \((status >> 8) & 0xff)"
        lock.lock()
        let orphans = hostPid == pid ? attempts : [:]
        if hostPid == pid {
            attempts = [:]
            if requestFD >= 0 { close(requestFD); requestFD = -1 }
        }
        lock.unlock()
        // They shared the host's process: they ended with it.
        for finished in orphans.values {
            finished(.crashed(signal: signal == 0 ? SIGKILL : signal,
                                error: "the bundle's task host (pid \(pid)) \(how) while the attempt ran in it"))
        }
    }

    private func dispatch(_ event: TaskHostProtocol.Event) {
        switch event {
        case .ready:
            break
        case .started:
            break   // the pool reported it started when it sent it (as for an attempt in orch's own process)
        case .finished(let id, let outcome):
            let finished = lock.withLock { attempts.removeValue(forKey: id) }
            finished?(outcome)
        }
    }

    private func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return false }
            offset += n
        }
        return true
    }
}

/// The first line a helper process writes (`ready`), read byte by byte so nothing after it is consumed; at most
/// 10 s. Shared by the fork server's and the task host's clients.
enum ReadyLine {
    static func wait(_ fd: Int32, isReady: (Substring) -> Bool) -> Bool {
        var line: [UInt8] = []
        let deadline = Date().addingTimeInterval(10)
        while line.count < 64 {
            var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let left = Int32(max(0, deadline.timeIntervalSinceNow * 1000))
            guard poll(&p, 1, left) > 0 else { return false }
            var byte: UInt8 = 0
            let n = read(fd, &byte, 1)
            if n < 0 && errno == EINTR { continue }
            guard n == 1 else { return false }
            if byte == UInt8(ascii: "\n") { break }
            line.append(byte)
        }
        return isReady(Substring(String(decoding: line, as: UTF8.self)))
    }
}
