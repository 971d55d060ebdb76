import Foundation
import OrchAPI
import OrchCore
import OrchHTTPClient
import OrchPostgres
import OrchRuntime
import OrchStore
import ShopStream

/// The repository's root folder.
let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().path

/// A fresh warehouse database per test, migrated, dropped afterwards (ORCH_TEST_PG names the admin database).
enum InsightsDB {
    static var admin: String {
        ProcessInfo.processInfo.environment["ORCH_TEST_PG"] ?? "postgresql://orch:orch@127.0.0.1:5432/orch_test"
    }

    static func withWarehouse<T>(_ body: (PGConnection, String) throws -> T) throws -> T {
        let adminConnection = try PGConnection(conninfo: admin)
        defer { adminConnection.close() }
        let name = "orch_ins_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
        try adminConnection.execute("CREATE DATABASE \(name)")
        defer {
            // A server's background plan check may still be connecting as the test ends: try again rather than
            // leave the database behind.
            for attempt in 0..<5 {
                if (try? adminConnection.execute("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")) != nil { break }
                Thread.sleep(forTimeInterval: 0.2 * Double(attempt + 1))
            }
        }
        let url = try replacingDatabase(admin, with: name)
        let db = try PGConnection(conninfo: url)
        defer { db.close() }
        try WarehouseMigrator(connection: db, directory: repository + "/migrations/warehouse").migrate()
        return try body(db, url)
    }

    /// The admin URL (postgresql://user:pw@host:port/db) pointing at another database.
    static func replacingDatabase(_ url: String, with name: String) throws -> String {
        guard var components = URLComponents(string: url), url.hasPrefix("postgres") else {
            struct NotAURL: Error {}
            throw NotAURL()
        }
        components.path = "/" + name
        return components.string!
    }
}

/// An orch API server on a free loopback port over a temporary ORCH_HOME, serving `dashboards`.
final class InsightsApp: @unchecked Sendable {
    let home: OrchHome
    let store: SQLiteStateStore
    let server: APIServer
    let client = HTTPClient()

    init(dashboards: [Dashboard], connections: [String: String], dags: [DAG] = [], timeoutMs: Int = 5_000,
         rowLimit: Int = 1_000, connectTimeoutSeconds: Int = 5) throws {
        home = OrchHome(path: NSTemporaryDirectory() + "orch-insights-\(UUID().uuidString)")
        try home.prepare()
        store = try SQLiteStateStore(path: home.databasePath,
                                     migrationsDirectory: URL(fileURLWithPath: repository + "/migrations/state"))
        let bag = try DAGBag(dags)
        try store.syncDAGs(bag.dags, pausedOnCreation: false, now: Date())
        var env: [String: String] = [:]
        for (name, url) in connections { env[NamedConnections.envKey(name)] = url }
        var configuration = APIConfiguration(home: home, bag: bag, port: 0, threads: 4, token: APIToken("insights-test-token"),
                                             webRoot: nil, openAPIRoot: nil)
        configuration.insights = InsightsConfiguration(dashboards: dashboards,
                                                       connections: try NamedConnections(environment: env),
                                                       statementTimeoutMs: timeoutMs, rowLimit: rowLimit,
                                                       connectTimeoutSeconds: connectTimeoutSeconds)
        server = try APIServer(configuration: configuration)
        try server.start()
    }

    deinit {
        server.stop()
        try? FileManager.default.removeItem(at: home.root)
    }

    func get(_ path: String) throws -> HTTPClientResponse {
        try client.send(HTTPClientRequest(url: "http://127.0.0.1:\(server.port)/api/v1" + path))
    }

    /// GET, decoded as a JSON object.
    func json(_ path: String) throws -> [String: Any] {
        let response = try get(path)
        return (try JSONSerialization.jsonObject(with: Data(response.body))) as? [String: Any] ?? [:]
    }
}

extension HTTPClientResponse {
    var text: String { String(decoding: body, as: UTF8.self) }
}
