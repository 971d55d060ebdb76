import Foundation
import Testing

/// Bad input of every kind gets a JSON error {status, message} with the right status.
@Suite struct ErrorTests {
    let app: TestApp
    init() throws { app = try TestApp() }


    @Test(arguments: [
        "/api/v1/nope", "/api/v1/dags/missing", "/api/v1/dags/missing/runs", "/api/v1/dags/etl/runs/missing",
        "/api/v1/dags/etl/runs/missing/tasks/extract", "/api/v1/dags/missing/grid", "/api/v1/dags/etl/nothing",
        "/api/v3/dags", "/nothing-here.html",
    ])
    func unknownThingsAre404(path: String) throws {
        let response = try app.get(path)
        #expect(response.status == 404, "\(path)")
        let json = try response.json()
        #expect(json["status"] as? Int == 404)
        #expect((json["message"] as? String)?.isEmpty == false)
    }

    @Test(arguments: [
        "/api/v1/dags?limit=0", "/api/v1/dags?limit=abc", "/api/v1/dags/etl/runs?limit=100000",
        "/api/v1/dags/etl/runs?offset=-5", "/api/v1/dags/etl/runs?state=exploded", "/api/v1/dags/etl/runs?run_type=cron",
        "/api/v1/dags/etl/runs?logical_date_gte=yesterday", "/api/v1/dags/etl/runs?logical_date_gte=2026-12-01&logical_date_lte=2026-11-01",
        "/api/v1/dags/etl/grid?limit=100000", "/api/v1/alerts?state=lost", "/api/v1/alerts/abc",
    ])
    func badParametersAre400(path: String) throws {
        let response = try app.get(path)
        #expect(response.status == 400, "\(path)")
        let json = try response.json()
        #expect(json["status"] as? Int == 400)
        #expect((json["message"] as? String)?.isEmpty == false)
    }

    @Test(arguments: ["{", "[1,2]", "\"text\"", "{\"conf\": 5}", "{\"logical_date\": \"soon\"}", "{\"surprise\": 1}",
                      "{\"run_id\": \"a/b\"}"])
    func badTriggerBodiesAre400(body: String) throws {
        let response = try app.send("POST", "/api/v1/dags/etl/runs", json: body)
        #expect(response.status == 400, "\(body)")
        #expect(try response.json()["status"] as? Int == 400)
    }

    @Test func badBodiesForOtherChangesAre400() throws {
        #expect(try app.send("PATCH", "/api/v1/dags/etl", json: "{\"is_paused\": \"yes\"}").status == 400)
        #expect(try app.send("PATCH", "/api/v1/dags/etl", json: "{}").status == 400)
        #expect(try app.send("PATCH", "/api/v1/dags/etl/runs/\(esc(app.failed.runId))", json: "{\"state\": \"running\"}").status == 400)
        #expect(try app.send("POST", "/api/v1/dags/etl/runs/\(esc(app.failed.runId))/clear", json: "{\"task_ids\": [\"ghost\"]}").status == 400)
        #expect(try app.send("POST", "/api/v1/dags/etl/runs", rawBody: [0xFF, 0xFE]).status == 400)
    }

    @Test(arguments: [("DELETE", "/api/v1/dags/etl"), ("PUT", "/api/v1/dags/etl/runs"), ("POST", "/api/v1/health"),
                      ("DELETE", "/api/v1/dags/etl/runs/x/tasks/y"), ("POST", "/index.html")])
    func wrongMethodIs405(method: String, path: String) throws {
        let response = try app.send(method, path, json: "{}")
        #expect(response.status == 405, "\(method) \(path)")
        #expect(response.header("Allow")?.isEmpty == false)
        #expect(try response.json()["status"] as? Int == 405)
    }

    @Test func oversizedBodyIs413() throws {
        let big = "{\"conf\": {\"blob\": \"" + String(repeating: "x", count: 100 * 1024) + "\"}}"
        let response = try app.send("POST", "/api/v1/dags/etl/runs", json: big)
        #expect(response.status == 413)
        #expect(try response.json()["status"] as? Int == 413)
        #expect(try app.get("/api/v1/dags/etl/runs").json()["total_entries"] as? Int == 3)
    }

    @Test(arguments: ["/%2e%2e/secret.txt", "/js/%2e%2e/%2e%2e/secret.txt", "/..%2fsecret.txt", "//etc/passwd",
                      "/js/..%5c..%5csecret.txt", "/index.html%00.js"])
    func staticTraversalIsRefused(path: String) throws {
        let response = try app.get(path)
        #expect([400, 404].contains(response.status), "\(path) -> \(response.status)")
        #expect(!response.text.contains("SECRET"))
        #expect(!response.text.contains("root:"))
    }
}
