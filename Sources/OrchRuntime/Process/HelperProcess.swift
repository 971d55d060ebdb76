#if canImport(Glibc)
import Glibc
#endif
import CProcessControl
import Foundation

/// A long-lived helper process of a bundle executable — its fork server (`__fork-server`) or its task host
/// (`__task-host`) — with its stdin and stdout on two pipes of the pool's: requests go in as lines, events come out
/// as lines. Shared by ``ForkServerClient`` and ``TaskHostClient``.
struct HelperProcess {
    let pid: pid_t
    /// The write end of the helper's stdin.
    let requestFD: Int32
    /// The read end of the helper's stdout.
    let eventFD: Int32
    /// The helper's descriptor for the one of this process's that ``start(_:command:environment:passing:isReady:)``
    /// passes.
    static let passedFD: Int32 = 3

    enum Start {
        case started(HelperProcess)
        /// It ran but its first line was not `ready` (an executable without that command): do not try again.
        case notAHelper
        /// No pipe or no process (descriptors or processes exhausted): try again later.
        case failed
    }

    /// Spawns `executable command` with nothing else of this process's descriptors and its ordinary environment
    /// variables only (what reaches a task goes in its spec: TaskEnvironment), then waits at most 10 s for its
    /// first line, which `isReady` judges. A helper that is not ready is killed and reaped. `environment` is added
    /// for the helper itself (the fork server's LD_BIND_NOW). `passing`, a descriptor of this process's, becomes the
    /// helper's ``passedFD``.
    static func start(_ executable: String, command: String, environment: [String: String] = [:], passing: Int32 = -1,
                      isReady: (Substring) -> Bool) -> Start {
        var requests: [Int32] = [0, 0]
        var events: [Int32] = [0, 0]
        guard pipe(&requests) == 0 else { return .failed }
        guard pipe(&events) == 0 else { close(requests[0]); close(requests[1]); return .failed }
        for fd in requests + events { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, requests[0], 0)
        posix_spawn_file_actions_adddup2(&actions, events[1], 1)
        if passing >= 0 { posix_spawn_file_actions_adddup2(&actions, passing, passedFD) }
        orch_spawn_close_from(&actions, passing >= 0 ? passedFD + 1 : passedFD)   // nothing else of ours
        let argv: [UnsafeMutablePointer<CChar>?] = [executable, command].map { (s: String) in strdup(s) } + [nil]
        let variables = TaskEnvironment.base(ProcessInfo.processInfo.environment).merging(environment) { $1 }
        let envp = variables.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { argv.forEach { free($0) }; envp.forEach { free($0) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, executable, &actions, nil, argv, envp)
        close(requests[0])
        close(events[1])
        guard rc == 0 else { close(requests[1]); close(events[0]); return .failed }
        guard firstLine(events[0]).map(isReady) == true else {
            close(requests[1])
            close(events[0])
            kill(pid, SIGKILL)
            var status: Int32 = 0
            waitpid(pid, &status, 0)
            return .notAHelper
        }
        return .started(HelperProcess(pid: pid, requestFD: requests[1], eventFD: events[0]))
    }

    /// The first line, read byte by byte so nothing after it is consumed; nil after 10 s or at end of file.
    private static func firstLine(_ fd: Int32) -> Substring? {
        var line: [UInt8] = []
        let deadline = Date().addingTimeInterval(10)
        while line.count < 64 {
            var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let left = Int32(max(0, deadline.timeIntervalSinceNow * 1000))
            guard poll(&p, 1, left) > 0 else { return nil }
            var byte: UInt8 = 0
            let n = read(fd, &byte, 1)
            if n < 0 && errno == EINTR { continue }
            guard n == 1 else { return nil }
            if byte == UInt8(ascii: "\n") { break }
            line.append(byte)
        }
        return Substring(String(decoding: line, as: UTF8.self))
    }

    /// Calls `event` with each line the helper writes (without its newline) until it closes its stdout, then
    /// closes the pipe, reaps the helper and returns its wait status.
    func readEvents(_ event: (Substring) -> Void) -> Int32 {
        readEventBatches { lines in lines.forEach(event) }
    }

    /// As ``readEvents(_:)``, with the whole lines of one read together, in order: what the helper wrote while
    /// this side was not reading arrives as one batch. With `alsoWakingFor` (a descriptor of the caller's, which it
    /// reads itself), the reader also wakes when that one is readable, and `batch` is called on every wake-up, with
    /// the lines of that turn (none when only the other descriptor woke it).
    func readEventBatches(alsoWakingFor otherFD: Int32 = -1, _ batch: ([Substring]) -> Void) -> Int32 {
        var pending: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        var fds = [pollfd(fd: eventFD, events: Int16(POLLIN), revents: 0), pollfd(fd: otherFD, events: Int16(POLLIN), revents: 0)]
        while true {
            if otherFD >= 0 {
                if poll(&fds, 2, -1) < 0 { if errno == EINTR { continue } else { break } }
                if fds[1].revents & Int16(POLLIN) == 0 && fds[1].revents != 0 { fds[1].fd = -1 }   // closed: not again
                if fds[0].revents == 0 { batch([]); continue }
            }
            let n = read(eventFD, &buffer, buffer.count)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            pending.append(contentsOf: buffer[0..<n])
            var start = pending.startIndex
            var lines: [Substring] = []
            while let nl = pending[start...].firstIndex(of: UInt8(ascii: "\n")) {
                lines.append(Substring(String(decoding: pending[start..<nl], as: UTF8.self)))
                start = nl + 1
            }
            pending.removeSubrange(..<start)
            if !lines.isEmpty || otherFD >= 0 { batch(lines) }
        }
        if otherFD >= 0 { batch([]) }   // what came on the other descriptor before the helper's last line
        close(eventFD)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        return status
    }
}
