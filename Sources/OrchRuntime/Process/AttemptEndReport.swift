#if canImport(Glibc)
import Glibc
#endif

/// A forked attempt's end, told by the child itself just before it exits: the child's pid and exit code, 8 bytes in
/// one write to a pipe. The pool makes the pipe and hands its write end to the fork server it starts
/// (``ForkServerClient``), so the end goes straight to the pool's reader, which orders it between the server's
/// `started` and `exited` (``EndReportOrder``); a server started without one (by an older pool, or by hand) makes
/// its own and passes each report on as `ended` (``ForkServer``). A write of less than PIPE_BUF is atomic, so
/// children that end together never interleave. A child that dies without writing (a signal, a crash, a full pipe)
/// is reported when it is reaped, as every child was before.
enum AttemptEndReport {
    /// The descriptor a forked child finds the pipe's write end on (after its lock, fd 3).
    static let childFD: Int32 = 4
    /// The fork server's environment variable naming the descriptor of the pool's pipe
    /// (``HelperProcess/passedFD``).
    static let poolPipeKey = "ORCH_FORK_SERVER_END_FD"

    struct End: Equatable, Sendable {
        var pid: Int32
        var exitCode: Int32
    }

    /// The server's pipe. Both ends are non-blocking: the server drains what is there, and a child never waits
    /// on a full pipe.
    struct Channel {
        let readFD: Int32
        let writeFD: Int32

        init() { (readFD, writeFD) = ForkServer.nonBlockingPipe() }   // none: every end is told when reaped

        /// In the fork server: the write end of the pool's pipe, when `variable` names an open descriptor written
        /// to, moved above the descriptors a child is given (closed on exec); nothing to read here.
        init?(poolPipe variable: String?) {
            guard let variable, let fd = Int32(variable), fd >= 0, fcntl(fd, F_GETFL) & O_ACCMODE == O_WRONLY else { return nil }
            let moved = fcntl(fd, F_DUPFD_CLOEXEC, AttemptEndReport.childFD + 1)
            close(fd)
            guard moved >= 0 else { return nil }
            (readFD, writeFD) = (-1, moved)
        }

        /// In the pool: a new pipe whose read end (non-blocking, as the write end) stays here and whose write end
        /// goes to the fork server; nil when none can be made.
        static func forPool() -> Channel? {
            let channel = Channel()
            return channel.readFD >= 0 ? channel : nil
        }

        /// Every report waiting in the pipe (none without a read end: a fork server given the pool's pipe, which the
        /// server then reads in every turn that reaps a child, makes no system call for it).
        func readReports() -> [End] {
            guard readFD >= 0 else { return [] }
            var ends: [End] = []
            var buffer = [UInt8](repeating: 0, count: 4_096)
            while true {
                let n = read(readFD, &buffer, buffer.count)
                guard n > 0 else { return ends }
                ends += AttemptEndReport.decode(buffer[0..<n])
            }
        }
    }

    /// In the child, after its task, log and result are done: one write, and whether it went.
    @discardableResult
    static func send(exitCode: Int32, to fd: Int32) -> Bool {
        let bytes = encode(End(pid: getpid(), exitCode: exitCode))
        return bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) } == bytes.count
    }

    /// The child's pid and exit code as the machine lays them out (the pipe never leaves it).
    static func encode(_ end: End) -> [UInt8] {
        withUnsafeBytes(of: (end.pid, end.exitCode)) { Array($0) }
    }

    /// The whole reports in `bytes` (a pipe's reads of atomic 8-byte writes never split one; a stray tail is
    /// dropped).
    static func decode(_ bytes: ArraySlice<UInt8>) -> [End] {
        Array(bytes).withUnsafeBytes { raw in
            stride(from: 0, through: raw.count - 8, by: 8).map { at in
                End(pid: raw.loadUnaligned(fromByteOffset: at, as: Int32.self),
                    exitCode: raw.loadUnaligned(fromByteOffset: at + 4, as: Int32.self))
            }
        }
    }
}
