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

        init() {
            var fds: [Int32] = [-1, -1]
            guard pipe(&fds) == 0 else {
                (readFD, writeFD) = (-1, -1)   // no reports: every child's end is told when it is reaped
                return
            }
            for fd in fds {
                _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
                _ = fcntl(fd, F_SETFL, O_NONBLOCK)
            }
            (readFD, writeFD) = (fds[0], fds[1])
        }

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

    static func encode(_ end: End) -> [UInt8] {
        withUnsafeBytes(of: end.pid.littleEndian) { Array($0) } + withUnsafeBytes(of: end.exitCode.littleEndian) { Array($0) }
    }

    /// The whole reports in `bytes` (a pipe's reads of atomic 8-byte writes never split one; a stray tail is
    /// dropped).
    static func decode(_ bytes: ArraySlice<UInt8>) -> [End] {
        var ends: [End] = []
        var at = bytes.startIndex
        while bytes.endIndex - at >= 8 {
            let pid = Int32(bitPattern: UInt32(littleEndianBytes: bytes[at..<at + 4]))
            let code = Int32(bitPattern: UInt32(littleEndianBytes: bytes[at + 4..<at + 8]))
            ends.append(End(pid: pid, exitCode: code))
            at += 8
        }
        return ends
    }
}

private extension UInt32 {
    init(littleEndianBytes bytes: ArraySlice<UInt8>) {
        var value: UInt32 = 0
        for (shift, byte) in zip(stride(from: 0, to: 32, by: 8), bytes) { value |= UInt32(byte) << UInt32(shift) }
        self = value
    }
}
