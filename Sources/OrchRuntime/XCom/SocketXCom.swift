import Foundation
import OrchCore

/// XCom for a task process through its supervisor's socket (``XComSocketServer``): the process never opens the
/// state database. If that socket is gone (the scheduler restarted and adopted this attempt), another pool of the
/// same home is asked: the grant is valid for any of them. Push and pull are idempotent, so a call cut off
/// mid-way is simply made again. While no pool of the home answers at all (the scheduler was killed and its
/// successor is starting; the successor adopts this attempt), the call waits for one, up to `waitForPool` seconds,
/// instead of failing the task in that gap.
public final class SocketXCom: XComAccess, @unchecked Sendable {
    private let endpoint: LocalXComEndpoint
    private let runPk: Int64
    private let waitForPool: Double
    private let lock = NSLock()
    private var connection: LineSocket?

    /// How long a call waits, by default, for a pool to answer when none does.
    public static let defaultWaitForPool = 120.0

    public init(_ endpoint: LocalXComEndpoint, runPk: Int64, waitForPool: Double = SocketXCom.defaultWaitForPool) {
        self.endpoint = endpoint
        self.runPk = runPk
        self.waitForPool = waitForPool
    }

    public func push(task: String, key: String, value: JSONValue) throws {
        _ = try call(XComWire.Request(op: "push", grant: endpoint.grant, runPk: runPk, task: task, key: key, value: value))
    }

    public func pull(task: String, key: String) throws -> JSONValue? {
        try call(XComWire.Request(op: "pull", grant: endpoint.grant, runPk: runPk, task: task, key: key, value: nil))
    }

    private func call(_ request: XComWire.Request) throws -> JSONValue? {
        let line = [UInt8](try JSONEncoder().encode(request))
        return try lock.withLock {
            if let c = connection, let answer = Self.exchange(c, line) { return try Self.value(answer) }
            connection = nil
            let deadline = Date().addingTimeInterval(waitForPool)
            while true {
                for path in [endpoint.socket] + otherSockets() {
                    guard let c = LineSocket.connect(path), let answer = Self.exchange(c, line) else { continue }
                    connection = c
                    return try Self.value(answer)
                }
                guard Date() < deadline else {
                    throw XComChannelError("no orch process answers XCom on \(endpoint.socket) or beside it "
                                           + "(waited \(Int(waitForPool)) s for a scheduler)")
                }
                usleep(100_000)
            }
        }
    }

    private static func exchange(_ c: LineSocket, _ line: [UInt8]) -> [UInt8]? {
        c.writeLine(line) ? c.readLine() : nil
    }

    private static func value(_ answer: [UInt8]) throws -> JSONValue? {
        let response = try JSONDecoder().decode(XComWire.Response.self, from: Data(answer))
        guard response.ok else { throw XComChannelError(response.error ?? "XCom call refused") }
        return response.value
    }

    /// The other pools' sockets in the same folder (looked at only when the endpoint's own does not answer).
    private func otherSockets() -> [String] {
        let folder = (endpoint.socket as NSString).deletingLastPathComponent
        return ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [])
            .filter { $0.hasPrefix("xcom-") && $0.hasSuffix(".sock") }
            .map { (folder as NSString).appendingPathComponent($0) }
            .filter { $0 != endpoint.socket }
            .sorted()
    }
}
