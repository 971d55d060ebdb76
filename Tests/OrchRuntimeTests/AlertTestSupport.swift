import Foundation
import OrchHTTPServer
import OrchRuntime
import OrchStore
import OrchTestSupport

/// A webhook receiver on loopback: records every request and answers from a script (then 200).
final class AlertReceiver: @unchecked Sendable {
    struct Received: Sendable {
        let headers: [String: String]
        let body: [UInt8]
        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] ?? [:] }
        var deliveryId: String { headers["x-orch-delivery"] ?? "" }
    }

    /// A scripted answer: a status, optionally after a delay.
    struct Reply: Sendable {
        var status: Int
        var delay: Double = 0
    }

    private let lock = NSLock()
    private var received: [Received] = []
    private var script: [Reply]
    let server: HTTPServer

    /// Starts on `port` (0 = any free port).
    init(port: Int = 0, script: [Reply] = []) throws {
        self.script = script
        let box = WeakBox()
        server = HTTPServer(configuration: HTTPServerConfiguration(port: port, threads: 4)) { request in
            box.receiver?.handle(request) ?? HTTPResponse(status: 503)
        }
        box.receiver = self
        try server.start()
    }

    deinit { server.stop() }

    private final class WeakBox: @unchecked Sendable { weak var receiver: AlertReceiver? }

    var url: String { "http://127.0.0.1:\(server.port)/hooks/orch" }

    var requests: [Received] { lock.withLock { received } }

    private func handle(_ request: HTTPRequest) -> HTTPResponse {
        let reply: Reply = lock.withLock {
            var headers: [String: String] = [:]
            for (k, v) in request.headers { headers[k.lowercased()] = v }
            received.append(Received(headers: headers, body: request.body))
            return script.isEmpty ? Reply(status: 200) : script.removeFirst()
        }
        if reply.delay > 0 { Thread.sleep(forTimeInterval: reply.delay) }
        return HTTPResponse(status: reply.status, body: Array("ok".utf8))
    }
}

/// A port with nothing listening on it (it was free a moment ago).
func unusedLoopbackPort() throws -> Int {
    let probe = HTTPServer(configuration: HTTPServerConfiguration(port: 0, threads: 1)) { _ in HTTPResponse(status: 200) }
    try probe.start()
    let port = probe.port
    probe.stop()
    return port
}

/// A temporary ORCH-like folder with a fresh state database: a SQLite file in it, or a fresh PostgreSQL schema.
struct AlertTestStore {
    let dir: URL
    let store: SQLiteStateStore
    let schema: PostgresTestSchema?

    init(_ backend: StoreBackend = .sqlite) throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("orch-alerts-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        switch backend {
        case .sqlite:
            schema = nil
            store = try SQLiteStateStore(path: dir.appendingPathComponent("orch.db").path)
        case .postgres:
            let schema = try PostgresTestSchema()
            self.schema = schema
            store = try SQLStateStore(location: .postgres(dsn: schema.dsn), migrationsDirectory: runtimePostgresMigrations)
        }
    }

    /// Another connection to the same database (a restarted process).
    func reopen() throws -> SQLiteStateStore { try SQLStateStore(location: store.location, migrate: false) }

    func cleanup() {
        try? FileManager.default.removeItem(at: dir)
        schema?.drop()
    }

    /// Writes one alert into the outbox as the engine would.
    @discardableResult
    func enqueue(target: String, event: String = "task_failed", body: String? = nil, now: Date = Date()) throws -> AlertDraft {
        let id = UUID().uuidString.lowercased()
        // A run id of its own: the outbox keeps one row per (event, target, dag, run, task, try).
        let draft = AlertDraft(deliveryId: id, event: event, target: target, dagId: "alert_dag", runId: "manual__\(id)",
                               taskId: "t", tryNumber: 1,
                               payload: body ?? #"{"delivery_id":"\#(id)","event":"\#(event)","text":"hello"}"#)
        try store.enqueueAlerts([draft], now: now)
        return draft
    }
}

/// Dispatcher options for tests: short timeouts and backoffs (no assertion depends on them).
func testDispatcherOptions(timeout: Double = 2) -> AlertDispatcher.Options {
    AlertDispatcher.Options(timeoutSeconds: timeout, maxAgeSeconds: 3600,
                            backoff: AlertBackoff(base: 0.05, cap: 0.2, jitter: 0.2), concurrency: 4,
                            idlePollSeconds: 0.2)
}

/// Polls `condition` every 20 ms until it holds or `seconds` pass; returns whether it held. The bound is
/// generous because CI machines can be busy; nothing asserts on how long it took.
func eventually(within seconds: Double = 60, _ condition: () throws -> Bool) async rethrows -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if try condition() { return true }
        try? await Task.sleep(nanoseconds: 20_000_000)
    }
    return try condition()
}
