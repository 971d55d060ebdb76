import Foundation
import OrchStore
import OrchCore
import OrchHTTPClient

/// Where a task process on a remote worker sends its XCom: the server's worker API for its attempt, with the
/// lease's fencing token (which alone authorizes XCom of that attempt's run, and only while the lease is current).
public struct RemoteXComEndpoint: Sendable, Codable, Hashable {
    /// The server's base URL, e.g. `http://10.0.0.5:8080`.
    public var server: String
    public var attemptId: Int64
    /// The fencing token of the lease.
    public var token: String
    public init(server: String, attemptId: Int64, token: String) {
        self.server = server
        self.attemptId = attemptId
        self.token = token
    }
}

/// XCom over HTTP, for a task process on a remote worker. A refused call (the lease is lost) throws: the task fails.
public final class HTTPXCom: XComAccess, @unchecked Sendable {
    private let endpoint: RemoteXComEndpoint
    private let client = HTTPClient()

    public init(_ endpoint: RemoteXComEndpoint) { self.endpoint = endpoint }

    private var base: String { "\(endpoint.server)/api/v1/worker/attempts/\(endpoint.attemptId)/xcom" }

    public func push(task: String, key: String, value: JSONValue) throws {
        let body = try WorkerWire.encode(WorkerWire.XComPush(key: key, value: value))
        let r = try client.send(HTTPClientRequest(method: "POST", url: base, headers: headers(json: true), body: [UInt8](body)))
        guard r.status == 204 else { throw XComRefused(status: r.status, body: r.body) }
    }

    public func pull(task: String, key: String) throws -> JSONValue? {
        let url = "\(base)?task=\(Self.escape(task))&key=\(Self.escape(key))"
        let r = try client.send(HTTPClientRequest(method: "GET", url: url, headers: headers(json: false)))
        guard r.status == 200 else { throw XComRefused(status: r.status, body: r.body) }
        return try WorkerWire.decode(WorkerWire.XComPulled.self, from: r.body).value
    }

    private func headers(json: Bool) -> [(String, String)] {
        var h = [(WorkerWire.leaseHeader, endpoint.token)]
        if json { h.append(("Content-Type", "application/json")) }
        return h
    }

    static func escape(_ s: String) -> String {
        s.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? s
    }
}

struct XComRefused: Error, CustomStringConvertible {
    let status: Int
    let body: [UInt8]
    var description: String {
        "the server refused the XCom call (HTTP \(status)): \(String(decoding: body.prefix(300), as: UTF8.self))"
    }
}
