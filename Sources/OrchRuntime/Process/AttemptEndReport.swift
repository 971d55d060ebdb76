#if canImport(Glibc)
import Glibc
#endif

/// A forked attempt's end, told to its fork server by the child itself just before it exits (``ForkServer``):
/// the child's pid and exit code, 8 bytes in one write to a pipe the server made. A write of less than PIPE_BUF
/// is atomic, so children that end together never interleave. A child that dies without writing (a signal, a
/// crash, a full pipe) is reported when it is reaped, as every child was before.
enum AttemptEndReport {
    /// The descriptor a forked child finds the pipe's write end on (after its lock, fd 3).
    static let childFD: Int32 = 4

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

        /// Every report waiting in the pipe.
        func readReports() -> [End] {
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
