#if canImport(Glibc)
import Glibc
#endif

/// Writes all of `bytes` to `fd`, again after EINTR or a short write; false when the other end is gone (or the disk
/// is full). Plain system calls only: the fork server uses it before it forks.
public func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
    var offset = 0
    while offset < bytes.count {
        let n = bytes[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        if n < 0 && errno == EINTR { continue }
        if n <= 0 { return false }
        offset += n
    }
    return true
}

/// Writes text to standard error with ``writeAll(_:_:)``, dropping it when standard error is gone or full (a log
/// reader that went away, a full disk) instead of stopping the process, as FileHandle's `write(_:)` does (it traps
/// on any error: a scheduler whose `2>&1 | …` reader ended crashed on its next line).
public enum StandardErrorLine {
    public static func write(_ text: String) {
        _ = writeAll(STDERR_FILENO, Array(text.utf8))
    }
}
