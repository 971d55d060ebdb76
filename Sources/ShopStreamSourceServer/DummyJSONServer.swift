import Foundation
import ShopStream
import OrchHTTPServer

/// A DummyJSON-compatible HTTP server over the bundled snapshot, bound to 127.0.0.1, with optional fault injection.
///
/// ```swift
/// let server = try DummyJSONServer(fixturesDirectory: "fixtures/dummyjson", port: 0, faults: .none)
/// try server.start()
/// let base = "http://127.0.0.1:\(server.port)"
/// server.stop()
/// ```
public final class DummyJSONServer: Sendable {
    private let server: HTTPServer
    private let state: FaultState

    /// Loads the fixtures (throws naming a missing or malformed file). `port` 0 picks a free port.
    public init(fixturesDirectory: String, port: Int = 0, faults: Faults = .none, host: String = "127.0.0.1") throws {
        let router = DummyJSONRouter(store: try FixtureStore(directory: fixturesDirectory))
        let state = FaultState(faults: faults)
        self.state = state
        self.server = HTTPServer(configuration: HTTPServerConfiguration(host: host, port: port, threads: 8)) { request in
            state.respond(to: request, router: router)
        }
    }

    /// Starts listening; throws when the port is taken.
    public func start() throws { try server.start() }

    /// Stops listening (idempotent).
    public func stop() { server.stop() }

    /// The bound port while running.
    public var port: Int { server.port }

    /// `http://127.0.0.1:<port>`.
    public var baseURL: String { "http://\(server.configuration.host):\(port)" }

    /// Requests answered so far (all paths), for tests.
    public var requestCount: Int { state.total }

    /// The (path, status) of every request answered so far, in order.
    public var requestLog: [(path: String, status: Int)] { state.log }
}

/// Counts requests per fault rule and applies the first matching rule. Guarded by a lock.
private final class FaultState: @unchecked Sendable {
    private let faults: Faults
    private let lock = NSLock()
    private var seen: [Int]
    private var answered: [(path: String, status: Int)] = []

    init(faults: Faults) {
        self.faults = faults
        self.seen = Array(repeating: 0, count: faults.rules.count)
    }

    var total: Int { lock.withLock { answered.count } }
    var log: [(path: String, status: Int)] { lock.withLock { answered } }

    func respond(to request: HTTPRequest, router: DummyJSONRouter) -> HTTPResponse {
        let resource = request.path.split(separator: "/").first.flatMap { SourceResource(rawValue: String($0)) }
        var actions: [Faults.Action] = []
        lock.withLock {
            for (i, rule) in faults.rules.enumerated() where rule.resource == nil || rule.resource == resource {
                seen[i] += 1
                if rule.requests.contains(seen[i]) { actions.append(rule.action) }
            }
        }
        var response: HTTPResponse?
        for action in actions {
            switch action {
            case .delay(let ms):
                Thread.sleep(forTimeInterval: Double(ms) / 1000)
                continue
            case .status(let status):
                response = DummyJSONRouter.error(status, "injected fault: HTTP \(status)")
            case .rateLimit(let seconds):
                var r = DummyJSONRouter.error(429, "request limit exceeded, please wait a few seconds")
                r.headers["Retry-After"] = String(seconds)
                response = r
            case .truncate:
                var r = router.respond(to: request)
                r.body = Array(r.body.prefix(r.body.count / 2))
                response = r
            case .wrongShape:
                var r = router.respond(to: request)
                if let resource, r.status == 200,
                   var object = try? JSONSerialization.jsonObject(with: Data(r.body)) as? [String: Any] {
                    object[resource.rawValue] = "not an array (injected fault)"
                    r.body = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])).map { [UInt8]($0) } ?? []
                }
                response = r
            }
            break
        }
        let final = response ?? router.respond(to: request)
        lock.withLock { answered.append((request.path, final.status)) }
        return final
    }
}
