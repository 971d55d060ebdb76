import Foundation
import OrchAPI
import OrchCore
import OrchHTTPClient
import OrchRuntime
import OrchStore
import Testing

/// Issue 11, the API half: secrets in conf, the Host header, reads beyond loopback, parallel triggers, dates.
@Suite struct HardeningTests {
    @Test("conf secrets are masked in the run list, the run and the trigger answer; the database keeps them")
    func confSecretsMasked() throws {
        let app = try TestApp()
        let conf = #"{"conf": {"warehouse_dsn": "postgresql://orch:s3cret@127.0.0.1/w", "api_token": "tok-123", "#
            + #""target": "postgresql://loader:hunter2@db/w", "day": 3}}"#
        let created = try app.send("POST", "/api/v1/dags/manual_only/runs", json: conf)
        #expect(created.status == 201)
        let runId = try #require(try created.json()["run_id"] as? String)
        for response in [created, try app.get("/api/v1/dags/~/runs"), try app.get("/api/v1/dags/manual_only/runs"),
                         try app.get("/api/v1/dags/manual_only/runs/\(esc(runId))")] {
            #expect(response.status == 200 || response.status == 201)
            #expect(!response.text.contains("s3cret") && !response.text.contains("tok-123")
                     && !response.text.contains("hunter2"), "\(response.text)")
        }
        let run = try #require((try app.get("/api/v1/dags/manual_only/runs").json()["runs"] as? [[String: Any]])?.first)
        let masked = try #require(run["conf"] as? [String: Any])
        #expect(masked["warehouse_dsn"] as? String == "***")
        #expect(masked["api_token"] as? String == "***")
        #expect(masked["target"] as? String == "postgresql://loader:***@db/w")
        #expect(masked["day"] as? Double == 3)
        // The task still gets the real value: only what leaves through the API is masked.
        #expect(try app.store.run(dagId: "manual_only", runId: runId)?.conf["api_token"] == .string("tok-123"))
    }

    func get(_ app: TestApp, _ path: String, host: String, token: String? = nil) throws -> HTTPClientResponse {
        var headers = [("Host", host)]
        if let token { headers.append(("Authorization", "Bearer \(token)")) }
        return try app.client.send(HTTPClientRequest(url: app.base + path, headers: headers))
    }

    @Test("a request whose Host is not this server's (DNS rebinding) gets a JSON 421; loopback names pass")
    func foreignHostRefused() throws {
        let app = try TestApp()
        let port = app.server.port
        for host in ["evil.example", "evil.example:\(port)", "127.0.0.1.evil.example"] {
            let response = try get(app, "/api/v1/dags", host: host)
            #expect(response.status == 421, "Host \(host)")
            #expect(response.header("Content-Type") == "application/json")
            #expect(try response.json()["message"] as? String != nil)
            #expect(try get(app, "/", host: host).status == 421, "dashboard with Host \(host)")
        }
        for host in ["127.0.0.1:\(port)", "localhost:\(port)", "LOCALHOST", "[::1]:\(port)"] {
            #expect(try get(app, "/api/v1/dags", host: host).status == 200, "Host \(host)")
        }
    }

    @Test("configured names are allowed, and '*' allows any")
    func configuredHosts() throws {
        let app = try TestApp { $0.allowedHosts = ["orch.example.com"] }
        #expect(try get(app, "/api/v1/dags", host: "orch.example.com:\(app.server.port)").status == 200)
        #expect(try get(app, "/api/v1/dags", host: "other.example.com").status == 421)
        let open = try TestApp { $0.allowedHosts = ["*"] }
        #expect(try get(open, "/api/v1/dags", host: "anything.example").status == 200)
    }

    @Test("bound beyond loopback, reads need the token too (except /health), and IP-address Hosts pass")
    func readsNeedTokenBeyondLoopback() throws {
        let app = try TestApp(host: "0.0.0.0")
        let host = "127.0.0.1:\(app.server.port)"
        let anonymous = try get(app, "/api/v1/dags/~/runs", host: host)
        #expect(anonymous.status == 401)
        #expect(anonymous.header("WWW-Authenticate") != nil)
        #expect(try get(app, "/api/v1/dags/~/runs", host: host, token: "wrong").status == 401)
        #expect(try get(app, "/api/v1/dags/~/runs", host: host, token: testToken).status == 200)
        #expect(try get(app, "/api/v1/health", host: host).status != 401)
        #expect(try get(app, "/api/v1/dags", host: "10.1.2.3", token: testToken).status == 200)
        #expect(try get(app, "/api/v1/dags", host: "rebound.example", token: testToken).status == 421)
        // On loopback (the default) reads stay open.
        #expect(try TestApp().get("/api/v1/dags/~/runs").status == 200)
    }

    @Test("50 parallel triggers without a run id: 50 × 201 and 50 distinct runs")
    func parallelTriggers() throws {
        let app = try TestApp()
        // 50 threads (not tasks: the cooperative pool has one thread per core) released at the same moment.
        let results = Results()
        let start = DispatchSemaphore(value: 0)
        let done = DispatchGroup()
        for _ in 0..<50 {
            done.enter()
            Thread.detachNewThread {
                start.wait()
                let r = try? app.send("POST", "/api/v1/dags/manual_only/runs", json: "{}")
                results.add((r?.status ?? 0, try? r?.json()["run_id"] as? String))
                done.leave()
            }
        }
        for _ in 0..<50 { start.signal() }
        done.wait()
        let statuses = results.all
        #expect(statuses.map(\.0) == Array(repeating: 201, count: 50), "\(statuses.map(\.0))")
        #expect(Set(statuses.compactMap(\.1)).count == 50)
        #expect(try app.get("/api/v1/dags/manual_only/runs").json()["total_entries"] as? Int == 50)
        // An explicit duplicate run id is still a conflict.
        #expect(try app.send("POST", "/api/v1/dags/manual_only/runs", json: #"{"run_id": "mine"}"#).status == 201)
        #expect(try app.send("POST", "/api/v1/dags/manual_only/runs", json: #"{"run_id": "mine"}"#).status == 409)
    }

    @Test("a generated run id that is taken gets a suffix, decided in the store")
    func generatedIdSuffix() throws {
        let app = try TestApp()
        let date = Date(timeIntervalSince1970: 1_795_132_800.5)
        let taken = RunIdRule.generated(.manual, logicalDate: date)
        _ = try app.store.createRun(dagId: "manual_only", runId: taken, runType: .backfill,
                                    interval: DataInterval(start: date, end: date), conf: [:], tasks: [("only", 1)],
                                    owner: nil, now: date)
        let run = try RunFactory.create(store: app.store, dag: manualDAG, type: .manual,
                                        interval: DataInterval(start: date, end: date), conf: [:], owner: nil, now: date)
        #expect(run.runId == taken + "_2")
    }

    @Test("logical dates before 1582 are kept; impossible ones are a 400 naming the reason")
    func dates() throws {
        let app = try TestApp()
        let old = try app.send("POST", "/api/v1/dags/manual_only/runs", json: #"{"logical_date": "1500-01-01"}"#)
        #expect(old.status == 201)
        #expect(try old.json()["logical_date"] as? String == "1500-01-01T00:00:00.000Z")
        #expect(try old.json()["run_id"] as? String == "manual__1500-01-01T00:00:00Z")
        let first = try app.send("POST", "/api/v1/dags/manual_only/runs", json: #"{"logical_date": "0001-01-01T00:00:00Z"}"#)
        #expect(try first.json()["logical_date"] as? String == "0001-01-01T00:00:00.000Z")
        let bad = try app.send("POST", "/api/v1/dags/manual_only/runs", json: #"{"logical_date": "2026-02-30"}"#)
        #expect(bad.status == 400)
        #expect((try bad.json()["message"] as? String)?.contains("day 30 does not exist in 2026-02") == true)
        let query = try app.get("/api/v1/dags/~/runs?logical_date_gte=2026-02-30")
        #expect(query.status == 400)
        let range = try app.get("/api/v1/dags/~/runs?logical_date_gte=1499-12-31&logical_date_lte=1500-01-01")
        #expect(try range.json()["total_entries"] as? Int == 1)
    }

    @Test("the storage decision: full below the minimum free space or shortly after a failed write")
    func storageCondition() {
        let now = Date(timeIntervalSince1970: 1_000_000)
        #expect(!StorageCondition.assess(freeBytes: 50 << 20, folder: "/h", lastFullWrite: nil, now: now).isFull)
        let low = StorageCondition.assess(freeBytes: 4096, folder: "/h", lastFullWrite: nil, now: now)
        #expect(low.isFull && low.reason?.contains("4096 bytes free") == true)
        let failed = StorageCondition.assess(freeBytes: 50 << 20, folder: "/h",
                                             lastFullWrite: (now.addingTimeInterval(-3), "database or disk is full"), now: now)
        #expect(failed.isFull && failed.reason?.contains("database or disk is full") == true)
        #expect(!StorageCondition.assess(freeBytes: 50 << 20, folder: "/h",
                                         lastFullWrite: (now.addingTimeInterval(-60), "full"), now: now).isFull)
        #expect(!StorageCondition.assess(freeBytes: nil, folder: "/h", lastFullWrite: nil, now: now).isFull)
    }

    @Test("/health reports storage")
    func healthReportsStorage() throws {
        let app = try TestApp()
        let storage = try #require(try app.get("/api/v1/health").json()["storage"] as? [String: Any])
        #expect(storage["status"] as? String == "ok")
        #expect((storage["free_bytes"] as? Int ?? 0) > 0)
    }
}

/// Answers collected from several threads.
final class Results: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [(Int, String?)] = []
    func add(_ item: (Int, String?)) { lock.withLock { items.append(item) } }
    var all: [(Int, String?)] { lock.withLock { items } }
}
