import Foundation
import OrchStore
import OrchCore
import OrchHTTPClient

/// `orch worker`'s calls to the server's worker API. Each returns what the server said; transport failures throw
/// (the caller retries: a server restart must not lose a running attempt).
public struct WorkerAPIClient: Sendable {
    public enum Answer<T: Sendable>: Sendable {
        case ok(T)
        /// 409: the lease is not current any more (lost, revoked, or the attempt moved on).
        case refused(String)
    }

    public let server: String
    let token: String
    let client: HTTPClient

    public init(server: String, token: String) {
        var s = server
        while s.hasSuffix("/") { s.removeLast() }
        self.server = s
        self.token = token
        client = HTTPClient(maxResponseBytes: 1 << 30)
    }

    private func url(_ path: String) -> String { "\(server)/api/v1/worker\(path)" }

    private func send(_ method: String, _ path: String, lease: String? = nil, body: [UInt8]? = nil,
                      extra: [(String, String)] = [], timeout: Double = 30) throws -> HTTPClientResponse {
        var headers = [("Authorization", "Bearer \(token)")] + extra
        if let lease { headers.append((WorkerWire.leaseHeader, lease)) }
        if body != nil { headers.append(("Content-Type", "application/json")) }
        var request = HTTPClientRequest(method: method, url: url(path), headers: headers, body: body)
        request.timeoutSeconds = timeout
        let r = try client.send(request)
        if r.status == 401 || r.status == 403 {
            throw WorkerAPIError("the server refused the worker token (HTTP \(r.status)): \(Self.text(r))")
        }
        return r
    }

    /// Waits (up to `wait` seconds, held by the server) for attempts of `queues`.
    public func lease(_ request: WorkerWire.LeaseRequest) throws -> [WorkerWire.Lease] {
        let r = try send("POST", "/lease", body: [UInt8](try WorkerWire.encode(request)),
                         timeout: (request.wait ?? WorkerWire.longestWait) + 15)
        if r.status == 204 { return [] }
        guard r.status == 200 else { throw WorkerAPIError("lease: HTTP \(r.status): \(Self.text(r))") }
        return try WorkerWire.decode(WorkerWire.LeaseResponse.self, from: r.body).leases
    }

    public func heartbeat(_ lease: WorkerWire.Lease) throws -> Answer<WorkerWire.HeartbeatResponse> {
        let r = try send("POST", "/attempts/\(lease.attemptId)/heartbeat", lease: lease.token, body: [])
        return try answer(r) { try WorkerWire.decode(WorkerWire.HeartbeatResponse.self, from: $0.body) }
    }

    /// Sends a log chunk starting at byte `offset`; answers the size the server's log has now.
    public func appendLog(_ lease: WorkerWire.Lease, offset: Int, _ chunk: [UInt8]) throws -> Answer<Int> {
        var request = HTTPClientRequest(method: "POST", url: url("/attempts/\(lease.attemptId)/log"),
                                        headers: [("Authorization", "Bearer \(token)"), (WorkerWire.leaseHeader, lease.token),
                                                  (WorkerWire.offsetHeader, String(offset)),
                                                  ("Content-Type", "application/octet-stream")], body: chunk)
        request.timeoutSeconds = 30
        let r = try client.send(request)
        return try answer(r) { try WorkerWire.decode(WorkerWire.LogResponse.self, from: $0.body).size }
    }

    public func complete(_ lease: WorkerWire.Lease, _ outcome: AttemptOutcome) throws -> Answer<Void> {
        let r = try send("POST", "/attempts/\(lease.attemptId)/complete", lease: lease.token,
                         body: [UInt8](try WorkerWire.encode(WorkerWire.Complete(outcome: outcome))))
        return try answer(r) { _ in () }
    }

    /// The bundle executable's bytes.
    public func bundle(sha256: String) throws -> [UInt8] {
        let r = try send("GET", "/bundles/\(sha256)", timeout: 600)
        guard r.status == 200 else {
            throw WorkerAPIError("bundle \(sha256): HTTP \(r.status): \(Self.text(r))", transient: r.status >= 500)
        }
        return r.body
    }

    private func answer<T>(_ r: HTTPClientResponse, _ ok: (HTTPClientResponse) throws -> T) throws -> Answer<T> {
        if r.status == 409 { return .refused(Self.text(r)) }
        guard (200..<300).contains(r.status) else { throw WorkerAPIError("HTTP \(r.status): \(Self.text(r))") }
        return .ok(try ok(r))
    }

    static func text(_ r: HTTPClientResponse) -> String { String(decoding: r.body.prefix(500), as: UTF8.self) }
}

public struct WorkerAPIError: Error, CustomStringConvertible {
    public let description: String
    /// The server answered 5xx (it is stopping, or failed this once): the same call may work later.
    public let transient: Bool
    public init(_ d: String, transient: Bool = false) {
        description = d
        self.transient = transient
    }

    /// Worth another try: a 5xx answer or no answer at all (the server restarting); not a refusal or a bad bundle.
    public static func isTransient(_ error: Error) -> Bool {
        if let e = error as? WorkerAPIError { return e.transient }
        if let e = error as? HTTPClientError { return e.kind == .connectionFailed || e.kind == .timeout }
        return false
    }
}
