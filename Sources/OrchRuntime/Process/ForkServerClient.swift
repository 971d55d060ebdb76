#if canImport(Glibc)
import Glibc
#endif
import CProcessControl
import Foundation

/// The pool's side of the fork server: starts `orch __fork-server` with two pipes, sends it attempt specs and
/// turns its event lines into callbacks. If the server dies, attempts it had started are handed to `lost`
/// (their processes live on, holding their locks) and a new server is started on the next launch.
final class ForkServerClient: @unchecked Sendable {
    struct Handlers: Sendable {
        var started: @Sendable (Int32) -> Void
        var exited: @Sendable (ChildExit) -> Void
        var refused: @Sendable (String) -> Void
        var lost: @Sendable (Int32) -> Void
    }

    private let executable: String
    private let lock = NSLock()
    private var requestFD: Int32 = -1
    private var serverPid: pid_t = 0
    private var nextId = 1
    private var waiting: [Int: Handlers] = [:]
    private var running: [Int32: Handlers] = [:]
    /// Set when the executable did not answer as a fork server: the pool spawns attempts instead.
    private var unavailable = false

    init(executable: String) { self.executable = executable }

    /// Sends one attempt to the server (starting it if needed). Returns false when no server can be started.
    func launch(_ spec: AttemptSpec, handlers: Handlers) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        guard !unavailable else { return false }
        for _ in 0..<2 {
            if requestFD < 0 && !startServer() { return false }
            let id = nextId
            nextId += 1
            guard let data = try? JSONEncoder().encode(ForkServerProtocol.Request(id: id, spec: spec)) else { return false }
            waiting[id] = handlers
            if writeAll(requestFD, Array(data) + [UInt8(ascii: "\n")]) { return true }
            waiting[id] = nil
            close(requestFD)    // the server is gone; start another and try once more
            requestFD = -1
        }
        return false
    }

    /// Starts the server now, if it is not running, instead of on the first launch: an attempt is then never
    /// recorded as started while its server is still coming up.
    func warmUp() {
        lock.lock()
        defer { lock.unlock() }
        if requestFD < 0 && !unavailable { _ = startServer() }
    }

    /// Closing the request pipe tells the server to finish: it reports its children's exits, then leaves.
    func shutdown() {
        lock.lock()
        defer { lock.unlock() }
        if requestFD >= 0 { close(requestFD) }
        requestFD = -1
    }

    /// Must hold the lock.
    private func startServer() -> Bool {
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
        orch_spawn_close_from(&actions, 3)   // nothing else of the scheduler's descriptors
        let argv: [UnsafeMutablePointer<CChar>?] = [executable, "__fork-server"].map { (s: String) in strdup(s) } + [nil]
        // Ordinary variables only: the server's children are attempts (see TaskEnvironment).
        let envp = TaskEnvironment.base(ProcessInfo.processInfo.environment).map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { argv.forEach { free($0) }; envp.forEach { free($0) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, executable, &actions, nil, argv, envp)
        close(requests[0])
        close(events[1])
        guard rc == 0 else { close(requests[1]); close(events[0]); return false }
        // The first line must be `ready`; anything else (an executable that is not orch, a crash) means no
        // fork server for this pool, and attempts are spawned one by one instead.
        guard ReadyLine.wait(events[0], isReady: { ForkServerProtocol.Event.parse($0) == .ready }) else {
            unavailable = true
            close(requests[1])
            close(events[0])
            kill(pid, SIGKILL)
            var status: Int32 = 0
            waitpid(pid, &status, 0)
            return false
        }
        requestFD = requests[1]
        serverPid = pid
        let eventFD = events[0]
        let started = pid
        Thread.detachNewThread { [self] in readEvents(eventFD, serverPid: started) }
        return true
    }

    private func readEvents(_ fd: Int32, serverPid pid: pid_t) {
        var pending: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16_384)
        while true {
            let n = read(fd, &buffer, buffer.count)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            pending.append(contentsOf: buffer[0..<n])
            while let nl = pending.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: pending[..<nl], as: UTF8.self)
                pending.removeSubrange(...nl)
                if let event = ForkServerProtocol.Event.parse(Substring(line)) { dispatch(event) }
            }
        }
        close(fd)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        // The server is gone: attempts not yet started failed to start; started ones live on unwatched.
        lock.lock()
        let notStarted = waiting
        let orphans = running
        waiting = [:]
        running = [:]
        if serverPid == pid, requestFD >= 0 { close(requestFD); requestFD = -1 }
        lock.unlock()
        for h in notStarted.values { h.refused("the fork server stopped before starting the attempt") }
        for (childPid, h) in orphans { h.lost(childPid) }
    }

    private func dispatch(_ event: ForkServerProtocol.Event) {
        switch event {
        case .started(let id, let pid):
            lock.lock()
            let h = waiting.removeValue(forKey: id)
            if let h { running[pid] = h }
            lock.unlock()
            h?.started(pid)
        case .refused(let id, let message):
            lock.lock()
            let h = waiting.removeValue(forKey: id)
            lock.unlock()
            h?.refused(message)
        case .ready:
            break
        case .exited(let pid, let code, let sig):
            lock.lock()
            let h = running.removeValue(forKey: pid)
            lock.unlock()
            h?.exited(sig == 0 ? .exited(code) : .signaled(sig))
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
