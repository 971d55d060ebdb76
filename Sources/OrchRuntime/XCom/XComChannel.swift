import Crypto
import Foundation
import OrchCore

/// How a task process reaches XCom without the state database (issue 13): a Unix socket served by the pool that
/// launched it, and a grant naming what it may touch. The grant is an HMAC of the home's XCom key, so any pool of
/// the same home (the scheduler that adopted the attempt after a restart) can check it without having issued it.
public struct LocalXComEndpoint: Sendable, Codable, Hashable {
    /// The socket of the pool that launched the attempt (`ORCH_HOME/run/xcom-<pid>.sock`).
    public var socket: String
    public var grant: XComGrant
    public init(socket: String, grant: XComGrant) {
        self.socket = socket
        self.grant = grant
    }
}

/// What a task process may do with XCom: an attempt's grant pushes as its own task and pulls within its run; a
/// task host's grant (no run, no task) serves every attempt the host runs, as they share its process anyway.
public struct XComGrant: Sendable, Codable, Hashable {
    public var runPk: Int64?
    public var taskId: String?
    /// Hex HMAC-SHA256 of ``message`` under the home's XCom key.
    public var mac: String

    static func message(runPk: Int64?, taskId: String?) -> String {
        "orch xcom v1|\(runPk.map(String.init) ?? "*")|\(taskId ?? "*")"
    }

    static func signed(runPk: Int64?, taskId: String?, key: SymmetricKey) -> XComGrant {
        XComGrant(runPk: runPk, taskId: taskId, mac: FileDigest.hex(mac(runPk: runPk, taskId: taskId, key: key)))
    }

    func isValid(key: SymmetricKey) -> Bool {
        guard let given = unhex(mac) else { return false }
        return HMAC<SHA256>.isValidAuthenticationCode(given, authenticating: Array(Self.message(runPk: runPk, taskId: taskId).utf8),
                                                      using: key)
    }

    private static func mac(runPk: Int64?, taskId: String?, key: SymmetricKey) -> HashedAuthenticationCode<SHA256> {
        HMAC<SHA256>.authenticationCode(for: Array(message(runPk: runPk, taskId: taskId).utf8), using: key)
    }

    private func unhex(_ s: String) -> [UInt8]? {
        let chars = Array(s.utf8)
        guard chars.count == 64 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(32)
        for i in stride(from: 0, to: 64, by: 2) {
            guard let b = UInt8(String(decoding: chars[i..<i + 2], as: UTF8.self), radix: 16) else { return nil }
            out.append(b)
        }
        return out
    }
}

/// One line each way: a request, then its answer.
enum XComWire {
    struct Request: Codable {
        var op: String            // "push" or "pull"
        var grant: XComGrant
        var runPk: Int64
        var task: String
        var key: String
        var value: JSONValue?
    }

    struct Response: Codable {
        var ok: Bool
        var value: JSONValue?
        var error: String?
    }

    /// Longest line either side accepts (an XCom value is meant to be small; this bounds a runaway one).
    static let maxLine = 16 << 20
}

/// The home's XCom key: 32 random bytes in `ORCH_HOME/xcom.key` (0600), made by the first pool that needs it.
enum XComKey {
    static func load(home: String) throws -> SymmetricKey {
        let path = (home as NSString).appendingPathComponent("xcom.key")
        for _ in 0..<2 {
            if let data = FileManager.default.contents(atPath: path), data.count == 32 { return SymmetricKey(data: data) }
            let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
            if fd < 0 {
                guard errno == EEXIST else { throw XComChannelError("cannot create \(path): \(String(cString: strerror(errno)))") }
                usleep(10_000)   // another process is writing it
                continue
            }
            let key = SymmetricKey(size: .bits256)
            let bytes = key.withUnsafeBytes { Array($0) }
            let ok = writeAll(fd, bytes) && fsync(fd) == 0
            close(fd)
            guard ok else {
                unlink(path)   // a short key (the disk was full) must not stay and refuse every later pool
                throw XComChannelError("cannot write \(path): \(String(cString: strerror(errno)))")
            }
            return key
        }
        // Still not 32 bytes after another process had time to write it: left broken by a crash; made again.
        unlink(path)
        throw XComChannelError("\(path) was not a 32-byte key; removed, the next pool makes a new one")
    }
}

public struct XComChannelError: Error, CustomStringConvertible {
    public let description: String
    init(_ d: String) { description = d }
}
