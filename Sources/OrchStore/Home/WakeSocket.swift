#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// A Unix datagram socket in ORCH_HOME that wakes the scheduler at once when another process
/// (`orch trigger`, the web server) has written something for it, so the loop never busy-polls.
public final class WakeSocket: @unchecked Sendable {
    private let fd: Int32
    private let path: String

    /// Binds the socket (replacing a stale one) and calls `onWake` on a thread of its own for every datagram.
    public init(path: String, onWake: @escaping @Sendable () -> Void) throws {
        guard path.utf8.count < 108 else {
            throw WakeSocketError("wake socket path is longer than 107 bytes: \(path); use a shorter ORCH_HOME")
        }
        unlink(path)
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw WakeSocketError("socket(): \(errnoText())") }
        var addr = WakeSocket.address(path)
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard rc == 0 else { Glibc.close(fd); throw WakeSocketError("bind \(path): \(errnoText())") }
        self.fd = fd
        self.path = path
        Thread.detachNewThread {
            var buf = [UInt8](repeating: 0, count: 64)
            while true {
                let n = recv(fd, &buf, buf.count, 0)
                if n < 0 && errno == EINTR { continue }
                if n < 0 { return }
                onWake()
            }
        }
    }

    public func close() {
        shutdown(fd, Int32(SHUT_RDWR))
        Glibc.close(fd)
        unlink(path)
    }

    /// Sends a wake-up; does nothing when no scheduler listens.
    public static func notify(_ path: String) {
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return }
        defer { Glibc.close(fd) }
        var addr = address(path)
        let byte: [UInt8] = [1]
        _ = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                sendto(fd, byte, 1, Int32(MSG_DONTWAIT), $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
    }

    static func address(_ path: String) -> sockaddr_un {
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8.prefix(107))
        withUnsafeMutableBytes(of: &addr.sun_path) { raw in
            for (i, b) in bytes.enumerated() { raw[i] = b }
            raw[bytes.count] = 0
        }
        return addr
    }
}

struct WakeSocketError: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}
