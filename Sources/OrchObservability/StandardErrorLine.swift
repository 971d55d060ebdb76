#if canImport(Glibc)
import Glibc
#endif

/// Writes text to standard error with write(2): all of it, again after EINTR or a short write, and dropped when
/// standard error is gone or full (a log reader that went away, a full disk) instead of stopping the process, as
/// FileHandle's `write(_:)` does (it traps on any error: a scheduler whose `2>&1 | …` reader ended crashed on its
/// next line).
public enum StandardErrorLine {
    public static func write(_ text: String) {
        var text = text
        text.withUTF8 { bytes in
            guard let base = bytes.baseAddress else { return }
            var offset = 0
            while offset < bytes.count {
                let n = Glibc.write(STDERR_FILENO, base + offset, bytes.count - offset)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { return }
                offset += n
            }
        }
    }
}
