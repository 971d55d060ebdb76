import Foundation
import OrchAPI
import OrchCore
import OrchHTTPClient
import OrchRuntime
import OrchPostgres
import OrchSQLite
import OrchStore
import OrchTestSupport

/// The token the test servers accept.
let testToken = "test-token-0123456789abcdef"

/// A small DAG: extract → (transform_a, transform_b) → load, daily.
let etlDAG = DAG("etl", description: "Extract, two transforms, load", tags: ["test"], schedule: "@daily",
                 startDate: .utc(2026, 11, 1)) { d in
    let extract = d.task("extract", outlets: ["postgres://w/raw"])
    let a = d.task("transform_a")
    let b = d.task("transform_b")
    let load = d.task("load", inlets: ["postgres://w/raw"])
    extract >> a
    extract >> b
    a >> load
    b >> load
}
let manualDAG = DAG("manual_only", description: "No schedule", tags: ["other"]) { d in d.task("only") }

/// An API server on a free loopback port over a temporary ORCH_HOME whose state database holds a few real runs,
/// attempts with log files, a quality-check XCom and an alert with a delivery. The database is the SQLite file in
/// the home, or, with `ORCH_TEST_STATE_BACKEND=postgres`, a fresh schema of the PostgreSQL test database
/// (`ORCH_TEST_PG`): the whole API suite runs on either.
final class TestApp: @unchecked Sendable {
    let home: OrchHome
    let store: SQLiteStateStore
    /// The PostgreSQL schema holding the state (nil: SQLite).
    let schema: PostgresTestSchema?
    var onPostgres: Bool { schema != nil }
    let server: APIServer
    let client = HTTPClient()
    let web: String
    /// Run ids made by `seed()`.
    let succeeded, failed, running: RunRecord

    init(host: String = "127.0.0.1", configure: (inout APIConfiguration) -> Void = { _ in }) throws {
        let root = NSTemporaryDirectory() + "orch-api-\(UUID().uuidString)"
        home = OrchHome(path: root)
        try home.prepare()
        web = root + "/web"
        try FileManager.default.createDirectory(atPath: web + "/js", withIntermediateDirectories: true)
        try Data("<!doctype html><title>orch test</title>".utf8).write(to: URL(fileURLWithPath: web + "/index.html"))
        try Data("export const x = 1;".utf8).write(to: URL(fileURLWithPath: web + "/js/app.js"))
        try Data("SECRET-OUTSIDE-WEB".utf8).write(to: URL(fileURLWithPath: root + "/secret.txt"))
        if ProcessInfo.processInfo.environment["ORCH_TEST_STATE_BACKEND"] == "postgres" {
            let schema = try PostgresTestSchema(prefix: "api")
            self.schema = schema
            store = try SQLStateStore(location: .postgres(dsn: schema.dsn), migrationsDirectory: TestApp.postgresMigrations)
        } else {
            schema = nil
            store = try SQLiteStateStore(path: home.databasePath, migrationsDirectory: TestApp.migrations)
        }
        let bag = try DAGBag([etlDAG, manualDAG])
        try store.syncDAGs(bag.dags, pausedOnCreation: false, now: Date())
        (succeeded, failed, running) = try TestApp.seed(store: store, home: home)
        var configuration = APIConfiguration(home: home, bag: bag, host: host, port: 0, threads: 2,
                                             maxBodyBytes: 64 * 1024, token: APIToken(testToken), webRoot: web,
                                             openAPIRoot: TestApp.repository + "/openapi")
        configuration.stateLocation = store.location
        configure(&configuration)
        server = try APIServer(configuration: configuration)
        try server.start()
    }

    deinit {
        server.stop()
        try? FileManager.default.removeItem(at: home.root)
        schema?.drop()
    }

    /// The repository's root folder.
    static var repository: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
    }

    static var migrations: URL { URL(fileURLWithPath: repository).appendingPathComponent("migrations/state") }
    static var postgresMigrations: URL {
        URL(fileURLWithPath: repository).appendingPathComponent("migrations/state-postgres")
    }

    var base: String { "http://127.0.0.1:\(server.port)" }

    func get(_ path: String) throws -> HTTPClientResponse {
        try client.send(HTTPClientRequest(url: base + path))
    }

    /// Sends with the right token unless `token` says otherwise (nil: no Authorization header).
    func send(_ method: String, _ path: String, json: String? = nil, token: String? = testToken,
              rawBody: [UInt8]? = nil) throws -> HTTPClientResponse {
        var headers: [(String, String)] = [("Content-Type", "application/json")]
        if let token { headers.append(("Authorization", "Bearer \(token)")) }
        return try client.send(HTTPClientRequest(method: method, url: base + path, headers: headers,
                                                 body: rawBody ?? json.map { Array($0.utf8) } ?? []))
    }

    /// Three runs: one succeeded, one failed (transform_a failed twice, load upstream_failed), one running.
    static func seed(store: SQLiteStateStore, home: OrchHome) throws -> (RunRecord, RunRecord, RunRecord) {
        let t0 = Date(timeIntervalSince1970: 1_793_520_000)  // 2026-11-01T08:00:00Z
        func make(_ type: RunType, _ day: Int) throws -> RunRecord {
            let date = Date.utc(2026, 11, day)
            return try RunFactory.create(store: store, dag: etlDAG, type: type,
                                         interval: RunFactory.interval(for: etlDAG, logicalDate: date), conf: ["day": .number(Double(day))],
                                         owner: nil, now: t0)
        }
        func attempt(_ run: RunRecord, _ task: String, _ tryNumber: Int, _ outcome: AttemptOutcome?, log: String,
                     at start: Double) throws {
            let path = home.attemptLogPath(dagId: run.dagId, runId: run.runId, taskId: task, tryNumber: tryNumber)
            try FileManager.default.createDirectory(at: path.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(log.utf8).write(to: path)
            _ = try store.beginAttempt(runPk: run.pk, taskId: task, tryNumber: tryNumber, isolation: .process,
                                       logPath: path.path, now: t0.addingTimeInterval(start))
            guard let outcome else { return }
            let resolution = AttemptResolution.resolve(outcome, tryNumber: tryNumber,
                                                       policy: RetryPolicy(retries: 1, delay: 0), now: t0)
            try store.finishAttempt(runPk: run.pk, taskId: task, tryNumber: tryNumber, outcome: outcome,
                                    resolution: resolution, now: t0.addingTimeInterval(start + 1.5), alerts: [])
        }
        let ok = try make(.scheduled, 1)
        try store.startRun(pk: ok.pk, owner: "scheduler", now: t0)
        for (i, task) in ["extract", "transform_a", "transform_b", "load"].enumerated() {
            try attempt(ok, task, 1, .success, log: "\(task) says hello\nline 2 ✓\n", at: Double(i) * 2)
        }
        try store.pushXCom(runPk: ok.pk, taskId: "load", key: "quality_checks", value: .array([
            ["name": "orders_not_null", "status": "passed", "observed": 0, "details": "no null order ids"],
            ["name": "revenue_reconciles", "status": "failed", "observed": 12.5, "details": ["diff": 12.5]],
        ]), now: t0)
        try store.finishRun(pk: ok.pk, state: .success, now: t0.addingTimeInterval(10), alerts: [])

        let bad = try make(.manual, 2)
        try store.startRun(pk: bad.pk, owner: "scheduler", now: t0)
        try attempt(bad, "extract", 1, .success, log: "extracted\n", at: 0)
        try attempt(bad, "transform_b", 1, .success, log: "b ok\n", at: 2)
        try attempt(bad, "transform_a", 1, .failed(exitCode: 3, error: "boom"), log: "try 1 failed\n", at: 2)
        try attempt(bad, "transform_a", 2, .failed(exitCode: 3, error: "boom again"), log: "try 2 failed\n", at: 4)
        try store.setTaskStates(runPk: bad.pk, [("load", .upstreamFailed)], now: t0)
        try store.finishRun(pk: bad.pk, state: .failed, now: t0.addingTimeInterval(8), alerts: [
            AlertDraft(deliveryId: "d-1", event: "dag_run_failed", target: "http://127.0.0.1:9/hook", dagId: "etl",
                       runId: bad.runId, taskId: nil, tryNumber: nil, payload: #"{"text":"etl failed"}"#),
        ])

        let live = try make(.scheduled, 3)
        try store.startRun(pk: live.pk, owner: "scheduler", now: t0)
        try attempt(live, "extract", 1, nil, log: "still working…\n", at: 0)

        // A delivery attempt of the alert, as the dispatcher records it.
        let insert = """
            INSERT INTO alert_delivery (alert_id, url, attempted_at, status_code, error, duration_ms)
            SELECT id, target, $1, 503, 'service unavailable', 12.5 FROM alert WHERE delivery_id = 'd-1'
            """
        switch store.location {
        case .sqlite(let path):
            try SQLiteConnection(path: path).execute(insert.replacingOccurrences(of: "$1", with: "?"),
                                                     [t0.timeIntervalSince1970 + 9])
        case .postgres(let dsn):
            try PGConnection(conninfo: dsn).execute(insert, [t0.timeIntervalSince1970 + 9])
        }
        return (ok, bad, live)
    }
}

extension HTTPClientResponse {
    var text: String { String(decoding: body, as: UTF8.self) }

    func json() throws -> [String: Any] {
        guard let object = try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] else {
            throw CocoaError(.coderReadCorrupt)
        }
        return object
    }
}

/// Percent-escapes a path segment for test URLs.
func esc(_ s: String) -> String {
    var allowed = CharacterSet.alphanumerics
    allowed.insert(charactersIn: "-._~")
    return s.addingPercentEncoding(withAllowedCharacters: allowed)!
}
