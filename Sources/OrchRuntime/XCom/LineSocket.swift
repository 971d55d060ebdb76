#if canImport(Glibc)
import Glibc
#endif
import CProcessControl
import Foundation

/// A connected stream socket read and written a line at a time (the XCom channel's framing).
final class LineSocket {
    let fd: Int32
    private var buffer: [UInt8] = []
    private var scanned = 0

    init(fd: Int32) { self.fd = fd }
    deinit { close(fd) }

    /// Connects to the Unix socket at `path`; nil when nobody listens there.
    static func connect(_ path: String) -> LineSocket? {
        let fd = orch_unix_socket(path, 0)
        return fd < 0 ? nil : LineSocket(fd: fd)
    }

    /// The next line without its newline; nil at end of stream, on an error or past `maxLine` bytes.
    func readLine(maxLine: Int = XComWire.maxLine) -> [UInt8]? {
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            if let nl = buffer[scanned...].firstIndex(of: UInt8(ascii: "\n")) {
                let line = Array(buffer[..<nl])
                buffer.removeSubrange(...nl)
                scanned = 0
                return line
            }
            scanned = buffer.count
            guard buffer.count <= maxLine else { return nil }
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { return nil }
            buffer.append(contentsOf: chunk[0..<n])
        }
    }

    func writeLine(_ bytes: [UInt8]) -> Bool { writeAll(fd, bytes + [UInt8(ascii: "\n")]) }
}
