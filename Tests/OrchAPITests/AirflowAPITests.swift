import Foundation
import OrchCore
import Testing

/// `/api/v2` (Airflow 3's REST API): the document lists exactly the real routes; every answer, success or error,
/// matches Airflow's schema for it; the state changes do what Airflow's do.
@Suite struct AirflowAPITests {
    let app: TestApp
    let schema: AirflowSchema

    init() throws {
        app = try TestApp()
        let document = try JSONSerialization.jsonObject(with: Data(try app.get("/api/v2/openapi.json").body))
        schema = AirflowSchema(document: try #require(document as? [String: Any]))
    }

    var okRun: String { esc(app.succeeded.runId) }
    var badRun: String { esc(app.failed.runId) }

    /// `method url` answers `status` with a body matching the schema documented for `path` and that status.
    @discardableResult
    func call(_ method: String, _ path: String, _ url: String, json: String? = nil, status: Int = 200,
              token: String? = testToken) throws -> JSONValue {
        let response = method == "GET" && json == nil ? try app.get(url) : try app.send(method, url, json: json, token: token)
        #expect(response.status == status, "\(method) \(url): \(response.text)")
        if response.body.isEmpty { return .null }
        let body = try JSONValue.parse(response.text)
        if let documented = schema.responseSchema(method.lowercased(), path, status) {
            let problems = schema.problems(body, documented)
            #expect(problems.isEmpty, "\(method) \(url) → \(status): \(problems.prefix(5))")
        } else {
            Issue.record("\(method) \(path) documents no \(status) answer")
        }
        return body
    }

    @Test func documentListsEveryRouteAndNothingElse() {
        let real = Set(app.server.routes.filter { !$0.pattern.hasPrefix("/api/v1/") && $0.pattern != "/api/v2/openapi.json" }
            .map { "\($0.method.lowercased()) \($0.pattern)" })
        let documented = Set(schema.paths.flatMap { path, ops in ops.keys.map { "\($0) \(path)" } })
        #expect(real == documented, "undocumented: \(real.subtracting(documented)); not real: \(documented.subtracting(real))")
        #expect(real.count == 27)
    }

    @Test func isServedAsTheFileHoldsIt() throws {
        let file = try Data(contentsOf: URL(fileURLWithPath: TestApp.repository + "/openapi/v2.json"))
        #expect(try app.get("/api/v2/openapi.json").body == [UInt8](file))
    }

    @Test func readsMatchAirflowsSchemas() throws {
        let p = "/api/v2/dags/{dag_id}/dagRuns/{dag_run_id}/taskInstances"
        let dags = try call("GET", "/api/v2/dags", "/api/v2/dags")
        #expect(dags["total_entries"] == 2)
        #expect(dags["dags"]?.arrayValue?.compactMap { $0["dag_id"]?.stringValue } == ["etl", "manual_only"])
        #expect(try call("GET", "/api/v2/dags", "/api/v2/dags?tags=other&limit=1")["dags"]?.arrayValue?.first?["dag_id"] == "manual_only")
        #expect(try call("GET", "/api/v2/dags/{dag_id}", "/api/v2/dags/etl")["timetable_summary"] == "@daily")
        #expect(try call("GET", "/api/v2/dags/{dag_id}/details", "/api/v2/dags/etl/details")["active_runs_count"] == 1)
        #expect(try call("GET", "/api/v2/dagTags", "/api/v2/dagTags")["tags"] == ["other", "test"])
        let runs = try call("GET", "/api/v2/dags/{dag_id}/dagRuns", "/api/v2/dags/~/dagRuns?state=failed&state=success")
        #expect(runs["total_entries"] == 2)
        let run = try call("GET", "/api/v2/dags/{dag_id}/dagRuns/{dag_run_id}", "/api/v2/dags/etl/dagRuns/\(badRun)")
        #expect(run["state"] == "failed")
        #expect(run["conf"] == ["day": 2])
        let tis = try call("GET", p, "/api/v2/dags/etl/dagRuns/\(badRun)/taskInstances")
        #expect(tis["task_instances"]?.arrayValue?.compactMap { $0["task_id"]?.stringValue } == ["extract", "transform_a", "transform_b", "load"])
        let ti = try call("GET", p + "/{task_id}", "/api/v2/dags/etl/dagRuns/\(badRun)/taskInstances/transform_a")
        #expect(ti["try_number"] == 2)
        #expect(ti["max_tries"] == 0)   // etl's tasks have no retries: Airflow counts retries, orch tries
        #expect(ti["state"] == "failed")
        let tries = try call("GET", p + "/{task_id}/tries", "/api/v2/dags/etl/dagRuns/\(badRun)/taskInstances/transform_a/tries")
        #expect(tries["total_entries"] == 2)
        try call("GET", p + "/{task_id}/tries/{task_try_number}", "/api/v2/dags/etl/dagRuns/\(badRun)/taskInstances/transform_a/tries/1")
        let xcoms = try call("GET", p + "/{task_id}/xcomEntries", "/api/v2/dags/etl/dagRuns/\(okRun)/taskInstances/load/xcomEntries")
        #expect(xcoms["xcom_entries"]?.arrayValue?.first?["key"] == "quality_checks")
        let xcom = try call("GET", p + "/{task_id}/xcomEntries/{xcom_key}", "/api/v2/dags/etl/dagRuns/\(okRun)/taskInstances/load/xcomEntries/quality_checks")
        #expect(xcom["value"]?.arrayValue?.first?["name"] == "orders_not_null")
        #expect(try call("GET", "/api/v2/importErrors", "/api/v2/importErrors")["total_entries"] == 0)
        let pools = try call("GET", "/api/v2/pools", "/api/v2/pools")
        let pool = try #require(pools["pools"]?.arrayValue?.first)
        #expect(pool["name"] == "default_pool")
        #expect(pool["running_slots"] == 1)   // the running run's extract
        #expect(pool["open_slots"] == 127)
        try call("GET", "/api/v2/pools/{pool_name}", "/api/v2/pools/default_pool")
        let health = try call("GET", "/api/v2/monitor/health", "/api/v2/monitor/health")
        #expect(health["metadatabase"]?["status"] == "healthy")
        #expect(health["scheduler"]?["status"] == "unhealthy")   // no scheduler runs in these tests
        try call("GET", "/api/v2/version", "/api/v2/version")
    }

    @Test func logsResumeFromTheContinuationToken() throws {
        let path = "/api/v2/dags/{dag_id}/dagRuns/{dag_run_id}/taskInstances/{task_id}/logs/{try_number}"
        let url = "/api/v2/dags/etl/dagRuns/\(okRun)/taskInstances/extract/logs/1"
        let whole = try call("GET", path, url)
        #expect(whole["content"] == [["event": "extract says hello"], ["event": "line 2 ✓"]])
        #expect(whole["continuation_token"] == .null)   // the try has finished and every byte was read
        // The running try: a token to come back with; reading with it returns only what was written since.
        let live = "/api/v2/dags/etl/dagRuns/\(esc(app.running.runId))/taskInstances/extract/logs/1"
        let first = try call("GET", path, live)
        let token = try #require(first["continuation_token"]?.stringValue)
        let logPath = app.home.attemptLogPath(dagId: "etl", runId: app.running.runId, taskId: "extract", tryNumber: 1)
        let handle = try FileHandle(forWritingTo: logPath)
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("more\n".utf8))
        try handle.close()
        let next = try call("GET", path, live + "?token=" + esc(token))
        #expect(next["content"] == [["event": "more"]])
        try call("GET", path, live + "?token=garbage", status: 422)
        try call("GET", path, url.replacingOccurrences(of: "/1", with: "/9"), status: 404)
    }

    @Test func errorsTakeAirflowsShape() throws {
        let notFound = try call("GET", "/api/v2/dags/{dag_id}", "/api/v2/dags/ghost", status: 404)
        #expect(notFound["detail"]?.stringValue?.contains("ghost") == true)
        try call("GET", "/api/v2/dags", "/api/v2/dags?limit=-1", status: 422)
        try call("GET", "/api/v2/dags", "/api/v2/dags?order_by=nonsense", status: 422)
        let refused = try call("PATCH", "/api/v2/dags/{dag_id}", "/api/v2/dags/etl", json: #"{"is_paused": true}"#,
                               status: 401, token: nil)
        #expect(refused["detail"] != nil)
        #expect(try app.get("/api/v2/nothing").text.contains("\"detail\""))
        // The HTTP layer's own refusal of a bad escape takes each API's shape.
        let v2 = try call("GET", "/api/v2/dags/{dag_id}", "/api/v2/dags/%zz", status: 422)
        #expect(v2["detail"]?.arrayValue?.first?["msg"]?.stringValue?.contains("not valid") == true)
        #expect(try app.get("/api/v1/dags/%zz").json()["status"] as? Int == 400)
    }

    @Test func tokenFromUsernameAndPassword() throws {
        let ok = try call("POST", "/auth/token", "/auth/token", json: #"{"username": "ci", "password": "\#(testToken)"}"#,
                          status: 201, token: nil)
        #expect(ok["access_token"]?.stringValue == testToken)
        try call("POST", "/auth/token/cli", "/auth/token/cli", json: #"{"username": "ci", "password": "\#(testToken)"}"#,
                 status: 201, token: nil)
        let wrong = try call("POST", "/auth/token", "/auth/token", json: #"{"username": "ci", "password": "nope"}"#,
                             status: 401, token: nil)
        #expect(wrong["detail"]?.stringValue?.contains("Invalid credentials") == true)
    }

    @Test func pauseTriggerMarkClearDelete() throws {
        let runs = "/api/v2/dags/{dag_id}/dagRuns"
        let one = runs + "/{dag_run_id}"
        #expect(try call("PATCH", "/api/v2/dags/{dag_id}", "/api/v2/dags/etl", json: #"{"is_paused": true}"#)["is_paused"] == true)
        #expect(try app.store.dag("etl")?.isPaused == true)
        let triggered = try call("POST", runs, "/api/v2/dags/etl/dagRuns",
                                 json: #"{"logical_date": "2026-11-20T06:00:00Z", "conf": {"k": "v"}, "dag_run_id": "ci-1"}"#)
        #expect(triggered["dag_run_id"] == "ci-1")
        #expect(triggered["run_type"] == "manual")
        #expect(triggered["conf"] == ["k": "v"])
        #expect(triggered["logical_date"] == "2026-11-20T06:00:00.000Z")
        #expect(triggered["data_interval_start"] == "2026-11-20T00:00:00.000Z")   // the daily interval holding it
        #expect(triggered["data_interval_end"] == "2026-11-21T00:00:00.000Z")
        try call("POST", runs, "/api/v2/dags/etl/dagRuns", json: #"{"logical_date": null, "dag_run_id": "ci-1"}"#, status: 409)
        try call("POST", runs, "/api/v2/dags/etl/dagRuns", json: #"{"logical_date": null, "note": "hi"}"#, status: 422)
        // A queued run cannot be deleted; marked failed, it can.
        try call("DELETE", one, "/api/v2/dags/etl/dagRuns/ci-1", status: 409)
        #expect(try call("PATCH", one, "/api/v2/dags/etl/dagRuns/ci-1", json: #"{"state": "failed"}"#)["state"] == "failed")
        try call("PATCH", one, "/api/v2/dags/etl/dagRuns/ci-1", json: #"{"state": "queued"}"#, status: 422)
        try call("DELETE", one, "/api/v2/dags/etl/dagRuns/ci-1", status: 204)
        try call("GET", one, "/api/v2/dags/etl/dagRuns/ci-1", status: 404)

        // Clearing the failed run: a dry run lists and changes nothing; then only the failed tasks go back.
        let dry = try call("POST", one + "/clear", "/api/v2/dags/etl/dagRuns/\(badRun)/clear", json: #"{"only_failed": true}"#)
        #expect(dry["task_instances"]?.arrayValue?.compactMap { $0["task_id"]?.stringValue } == ["transform_a", "load"])
        #expect(try app.store.run(dagId: "etl", runId: app.failed.runId)?.state == .failed)
        let cleared = try call("POST", one + "/clear", "/api/v2/dags/etl/dagRuns/\(badRun)/clear",
                               json: #"{"dry_run": false, "only_failed": true}"#)
        #expect(cleared["state"] == "queued")
        let states = try app.store.taskInstances(runPk: app.failed.pk).map { ($0.taskId, $0.state) }
        #expect(states.filter { $0.1 == .none }.map(\.0).sorted() == ["load", "transform_a"])
    }

    @Test func taskInstancesAreMarkedAndCleared() throws {
        let ti = "/api/v2/dags/{dag_id}/dagRuns/{dag_run_id}/taskInstances/{task_id}"
        let marked = try call("PATCH", ti, "/api/v2/dags/etl/dagRuns/\(badRun)/taskInstances/transform_a",
                              json: #"{"new_state": "success"}"#)
        #expect(marked["task_instances"]?.arrayValue?.first?["state"] == "success")
        try call("PATCH", ti, "/api/v2/dags/etl/dagRuns/\(badRun)/taskInstances/transform_a",
                 json: #"{"new_state": "running"}"#, status: 422)
        try call("PATCH", ti, "/api/v2/dags/etl/dagRuns/\(esc(app.running.runId))/taskInstances/extract",
                 json: #"{"new_state": "failed"}"#, status: 409)
        let clear = "/api/v2/dags/{dag_id}/clearTaskInstances"
        let dry = try call("POST", clear, "/api/v2/dags/etl/clearTaskInstances",
                           json: #"{"dag_run_id": "\#(app.failed.runId)", "only_failed": false, "task_ids": ["extract"]}"#)
        #expect(dry["total_entries"] == 1)
        #expect(try app.store.taskInstance(runPk: app.failed.pk, taskId: "extract")?.state == .success)
        try call("POST", clear, "/api/v2/dags/etl/clearTaskInstances",
                 json: #"{"dry_run": false, "dag_run_id": "\#(app.failed.runId)", "task_ids": ["load"]}"#)
        #expect(try app.store.taskInstance(runPk: app.failed.pk, taskId: "load")?.state == TaskState.none)
        try call("POST", clear, "/api/v2/dags/etl/clearTaskInstances", json: #"{"task_ids": ["ghost"]}"#, status: 422)
    }

    /// Named tokens work through Airflow's flow too: a viewer's password gives a viewer's token, which reads but
    /// is refused (403, Airflow's shape) for a trigger; an operator's triggers, and the audit log names it.
    @Test func rolesAndAuditApplyToTheAirflowAPI() throws {
        func create(_ name: String, _ role: String) throws -> String {
            let response = try app.send("POST", "/api/v1/tokens", json: #"{"name": "\#(name)", "role": "\#(role)"}"#)
            return try #require(try response.json()["token"] as? String)
        }
        let viewer = try create("dash", "viewer")
        let got = try call("POST", "/auth/token", "/auth/token", json: #"{"username": "x", "password": "\#(viewer)"}"#,
                           status: 201, token: nil)
        #expect(got["access_token"]?.stringValue == viewer)
        let refused = try app.send("POST", "/api/v2/dags/etl/dagRuns", json: "{}", token: viewer)
        #expect(refused.status == 403)
        #expect(try JSONValue.parse(refused.text)["detail"]?.stringValue?.contains("viewer") == true)
        let op = try create("ci", "operator")
        let run = try call("POST", "/api/v2/dags/{dag_id}/dagRuns", "/api/v2/dags/etl/dagRuns",
                           json: #"{"dag_run_id": "by-ci"}"#, token: op)
        #expect(run["dag_run_id"] == "by-ci")
        let entries = try app.send("GET", "/api/v1/audit", token: testToken).text
        #expect(entries.contains("\"run.trigger\"") && entries.contains("\"ci\"") && entries.contains("by-ci"), "\(entries.prefix(600))")
    }
}

