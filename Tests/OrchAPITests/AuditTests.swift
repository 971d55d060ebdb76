import Foundation
import OrchAPI
import OrchStore
import Testing

/// Every state change through the API is in the audit log: who (token name and role), what (action and ids),
/// when, from where; refused requests and reads are not.
@Suite struct AuditTests {
    let app: TestApp
    init() throws { app = try TestApp() }

    @Test func apiChangesAreAudited() throws {
        let created = try app.send("POST", "/api/v1/tokens", json: #"{"name": "deployer", "role": "operator"}"#)
        let secret = try #require(try created.json()["token"] as? String)
        let before = Date().addingTimeInterval(-1)
        let run = try app.send("POST", "/api/v1/dags/etl/runs", json: #"{"conf": {"password": "hunter2"}}"#, token: secret)
        let runId = try #require(try run.json()["run_id"] as? String)
        _ = try app.send("PATCH", "/api/v1/dags/etl", json: #"{"is_paused": true}"#, token: secret)
        _ = try app.send("POST", "/api/v1/dags/etl/runs/\(esc(app.failed.runId))/clear", json: "{}", token: secret)
        _ = try app.send("PATCH", "/api/v1/dags/etl", json: #"{"is_paused": false}"#, token: "wrong")   // 401: not audited
        _ = try app.get("/api/v1/dags")                                                                 // read: not audited

        let page = try app.send("GET", "/api/v1/audit?limit=10", token: secret)
        #expect(page.status == 200)
        let entries = try #require(try page.json()["entries"] as? [[String: Any]])
        #expect(entries.map { $0["action"] as? String } == ["run.clear", "dag.set_paused", "run.trigger", "token.create"])
        #expect(try page.json()["total_entries"] as? Int == 4)
        let trigger = entries[2]
        #expect(trigger["actor"] as? String == "deployer")
        #expect(trigger["role"] as? String == "operator")
        #expect(trigger["source"] as? String == "127.0.0.1")
        #expect(trigger["status"] as? Int == 201)
        #expect((trigger["target"] as? [String: String]) == ["dag_id": "etl", "run_id": runId])
        let iso = ISO8601DateFormatter()
        iso.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let at = try #require((trigger["at"] as? String).flatMap { iso.date(from: $0) })
        #expect(at >= before.addingTimeInterval(-1) && at <= Date().addingTimeInterval(1))
        #expect((entries[1]["target"] as? [String: String])?["is_paused"] == "true")
        #expect((entries[0]["target"] as? [String: String])?["run_id"] == app.failed.runId)
        #expect(entries[3]["actor"] as? String == "api-token")
        #expect(entries[3]["role"] as? String == "admin")
        #expect((entries[3]["target"] as? [String: String]) == ["name": "deployer", "role": "operator"])
        // Neither the conf nor any token reaches the log.
        #expect(!page.text.contains("hunter2") && !page.text.contains(secret) && !page.text.contains(testToken))
        let filtered = try app.send("GET", "/api/v1/audit?action=run.trigger", token: secret).json()
        #expect(filtered["total_entries"] as? Int == 1)
    }

    @Test func auditNeedsATokenEvenOnLoopback() throws {
        #expect(try app.get("/api/v1/audit").status == 401)
    }
}
