#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Owns the file descriptor of one segment file (`<baseOffset>.log`): positional reads, appends, fsync, truncate.
/// Not thread-safe by itself; ``SegmentEventLog`` serialises access.
final class SegmentFile {
    let path: String
    let baseOffset: Int64
    private let fd: Int32
    /// Current size in bytes (the position of the next append).
    private(set) var size: Int

    init(path: String, baseOffset: Int64, create: Bool) throws {
        self.path = path
        self.baseOffset = baseOffset
        let flags = O_RDWR | O_CLOEXEC | (create ? O_CREAT : 0)
        let fd = open(path, flags, 0o644)
        guard fd >= 0 else { throw SegmentFile.ioError("open", path) }
        self.fd = fd
        let end = lseek(fd, 0, SEEK_END)
        guard end >= 0 else {
            close(fd)
            throw SegmentFile.ioError("seek", path)
        }
        self.size = Int(end)
    }

    deinit { close(fd) }

    /// Writes all of `bytes` at the end of the file (not yet synced).
    func append(_ bytes: [UInt8]) throws {
        var written = 0
        try bytes.withUnsafeBytes { raw in
            while written < raw.count {
                let n = pwrite(fd, raw.baseAddress! + written, raw.count - written, off_t(size + written))
                if n < 0 {
                    if errno == EINTR { continue }
                    throw SegmentFile.ioError("write", path)
                }
                written += n
            }
        }
        size += bytes.count
    }

    /// Flushes written data to stable storage.
    func sync() throws {
        guard fsync(fd) == 0 else { throw SegmentFile.ioError("fsync", path) }
    }

    /// Cuts the file to `length` bytes and syncs.
    func truncate(to length: Int) throws {
        guard ftruncate(fd, off_t(length)) == 0 else { throw SegmentFile.ioError("truncate", path) }
        size = length
        try sync()
    }

    /// Reads up to `count` bytes at `position` (fewer at the end of the file).
    func read(at position: Int, count: Int) throws -> [UInt8] {
        let wanted = max(0, min(count, size - position))
        var out = [UInt8](repeating: 0, count: wanted)
        var got = 0
        try out.withUnsafeMutableBytes { raw in
            while got < wanted {
                let n = pread(fd, raw.baseAddress! + got, wanted - got, off_t(position + got))
                if n < 0 {
                    if errno == EINTR { continue }
                    throw SegmentFile.ioError("read", path)
                }
                if n == 0 { break }
                got += n
            }
        }
        if got < wanted { out.removeLast(wanted - got) }
        return out
    }

    static func ioError(_ op: String, _ path: String) -> EventLogError {
        EventLogError(.io, "event log: \(op) of \(path) failed: \(String(cString: strerror(errno)))")
    }

    /// fsyncs a directory so a newly created or renamed entry in it survives a crash.
    static func syncDirectory(_ path: String) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return }
        _ = fsync(fd)
        close(fd)
    }

    /// The file name of a segment: the base offset, zero-padded to 20 digits so names sort by offset.
    static func fileName(baseOffset: Int64) -> String {
        let digits = String(baseOffset)
        return String(repeating: "0", count: max(0, 20 - digits.count)) + digits + ".log"
    }
}
