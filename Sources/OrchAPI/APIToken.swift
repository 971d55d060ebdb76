import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The bearer token that every state-changing request must carry.
///
/// Taken from `ORCH_API_TOKEN` when set, else read from `ORCH_HOME/api-token`, else generated there on first start
/// (32 random bytes as hex, file mode 0600). Comparison is constant-time. The token is never logged.
public struct APIToken: Sendable {
    private let secret: [UInt8]

    public init(_ value: String) {
        secret = Array(value.utf8)
    }

    /// Loads or creates the token: environment first, then the file at `path` (created with mode 0600).
    public static func load(environment: [String: String] = ProcessInfo.processInfo.environment,
                            path: String) throws -> APIToken {
        if let env = environment["ORCH_API_TOKEN"], !env.isEmpty { return APIToken(env) }
        if let data = FileManager.default.contents(atPath: path) {
            let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            guard !text.isEmpty else {
                throw APIError(500, "API token file \(path) is empty; delete it to have a new token generated")
            }
            return APIToken(text)
        }
        var bytes = [UInt8](repeating: 0, count: 32)
        var generator = SystemRandomNumberGenerator()
        for i in bytes.indices { bytes[i] = generator.next() }
        let token = bytes.map { String(format: "%02x", $0) }.joined()
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw APIError(500, "cannot create the API token file \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        let line = Array((token + "\n").utf8)
        guard write(fd, line, line.count) == line.count else {
            throw APIError(500, "cannot write the API token file \(path): \(String(cString: strerror(errno)))")
        }
        fchmod(fd, 0o600)
        return APIToken(token)
    }

    /// True when `header` is exactly `Bearer <token>`. Takes the same time wherever the first difference is.
    public func accepts(authorization header: String?) -> Bool {
        guard let header, header.hasPrefix("Bearer ") else { return false }
        let given = Array(header.utf8.dropFirst(7))
        var difference = UInt8(given.count == secret.count ? 0 : 1)
        for i in 0..<secret.count {
            difference |= secret[i] ^ (i < given.count ? given[i] : 0)
        }
        return difference == 0
    }
}
