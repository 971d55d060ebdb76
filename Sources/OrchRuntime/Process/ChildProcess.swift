#if canImport(Glibc)
import Glibc
#endif
import CProcessControl
import Foundation
import OrchStore

/// How a child process ended.
public enum ChildExit: Sendable, Equatable {
    case exited(Int32)
    case signaled(Int32)

    /// How a child ended, from the status `waitpid` gave.
    init(waitStatus status: Int32) {
        let sig = status & 0x7f
        self = sig == 0 ? .exited((status >> 8) & 0xff) : .signaled(sig)
    }

    /// How it ended, as the end of a sentence: "exited with code 3", "was killed by signal 9".
    var howItEnded: String {
        switch self {
        case .exited(let code): "exited with code \(code)"
        case .signaled(let signal): "was killed by signal \(signal)"
        }
    }
}

/// Starts child processes with posix_spawn: stdout and stderr appended to a log file, an exclusive
/// `flock` on a lock file held for the child's whole life (inherited as fd 3, so even its own children
/// hold it), and its own process group so a timeout can stop the whole tree.
public enum ChildProcess {
    public struct Started: Sendable {
        public let pid: Int32
        public let startTicks: Int64?
    }

    public struct SpawnError: Error, CustomStringConvertible {
        public let message: String
        public var description: String { message }
    }

    /// Spawns `executable` with `arguments` and `environment`. The lock is taken before the spawn;
    /// when it cannot be taken another process still runs this attempt, and nothing is started.
    public static func spawn(executable: String, arguments: [String], environment: [String: String],
                             logPath: String, lockPath: String) throws -> Started {
        let logFD = AttemptLogFile.openForAppend(logPath)
        guard logFD >= 0 else { throw SpawnError(message: "cannot open log \(logPath): \(errnoText())") }
        defer { close(logFD) }
        let lockFD = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard lockFD >= 0 else { throw SpawnError(message: "cannot open lock \(lockPath): \(errnoText())") }
        defer { close(lockFD) }
        guard flock(lockFD, LOCK_EX | LOCK_NB) == 0 else {
            throw SpawnError(message: "attempt lock \(lockPath) is held: another process still runs this attempt")
        }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, logFD, 1)
        posix_spawn_file_actions_adddup2(&actions, logFD, 2)
        posix_spawn_file_actions_adddup2(&actions, lockFD, 3)
        orch_spawn_close_from(&actions, 4)   // nothing else of the scheduler's descriptors

        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        var defaultSignals = sigset_t()
        sigemptyset(&defaultSignals)
        sigaddset(&defaultSignals, SIGPIPE)
        sigaddset(&defaultSignals, SIGTERM)
        sigaddset(&defaultSignals, SIGINT)
        var noMask = sigset_t()
        sigemptyset(&noMask)
        posix_spawnattr_setsigdefault(&attr, &defaultSignals)
        posix_spawnattr_setsigmask(&attr, &noMask)
        posix_spawnattr_setpgroup(&attr, 0)
        posix_spawnattr_setflags(&attr, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, executable, &actions, &attr, argv, envp)
        guard rc == 0 else { throw SpawnError(message: "cannot start \(executable): \(String(cString: strerror(rc)))") }
        return Started(pid: pid, startTicks: processStartTicks(pid))
    }

    /// Blocks until the child exits (call from a thread of its own).
    public static func wait(_ pid: Int32) -> ChildExit {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            if errno != EINTR { return .exited(-1) }
        }
        return ChildExit(waitStatus: status)
    }

    /// Sends a signal to the child's whole process group.
    public static func signalGroup(_ pid: Int32, _ sig: Int32) {
        if kill(-pid, sig) != 0 { kill(pid, sig) }
    }

    /// Field 22 of /proc/<pid>/stat: the process's start time, which tells a reused pid apart. Read with one
    /// `read(2)` into a buffer on the stack: the pool asks it of every process attempt it starts, and reading the
    /// file as a `String` and splitting it was 6.8 % of the scheduler's CPU during a chain of forked attempts.
    public static func processStartTicks(_ pid: Int32) -> Int64? {
        let fd = open("/proc/\(pid)/stat", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 1024) { buffer in
            let n = read(fd, buffer.baseAddress, buffer.count)
            guard n > 0 else { return nil }
            return startTicks(statLine: UnsafeBufferPointer(rebasing: buffer[..<n]))
        }
    }

    /// Field 22 of a /proc/<pid>/stat line: counted after the last `)`, since the command name (field 2) may hold
    /// spaces and parentheses. nil when the line has fewer fields or the field is not a number.
    static func startTicks(statLine line: UnsafeBufferPointer<UInt8>) -> Int64? {
        guard let commandEnd = line.lastIndex(of: UInt8(ascii: ")")) else { return nil }
        var field = 2   // the `)` ends field 2; each space after it starts the next field
        var value: Int64 = 0
        var digits = 0
        for byte in line[(commandEnd + 1)...] {
            if byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\n") {
                if field == 22 { break }
                field += 1
                continue
            }
            guard field == 22 else { continue }
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9"), digits < 18 else { return nil }
            value = value * 10 + Int64(byte - UInt8(ascii: "0"))
            digits += 1
        }
        return field == 22 && digits > 0 ? value : nil
    }
}

/// Tells whether some process still holds an attempt's lock (that is, the attempt's process tree lives).
public enum AttemptLock {
    /// True when the lock file exists and is held by a live process.
    public static func isHeld(_ lockPath: String) -> Bool {
        let fd = open(lockPath, O_RDWR | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        if flock(fd, LOCK_EX | LOCK_NB) == 0 {
            flock(fd, LOCK_UN)
            return false
        }
        return true
    }

    /// Blocks until no process holds the lock (call from a thread of its own).
    public static func waitUntilReleased(_ lockPath: String) {
        let fd = open(lockPath, O_RDWR | O_CLOEXEC)
        guard fd >= 0 else { return }
        defer { close(fd) }
        while flock(fd, LOCK_EX) != 0 && errno == EINTR {}
        flock(fd, LOCK_UN)
    }
}

