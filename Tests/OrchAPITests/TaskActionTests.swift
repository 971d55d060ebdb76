import Foundation
import OrchCore
import Testing

/// Task-level actions, XComs, the run preview, the token check, recent failures and the DAG list filters
/// (issue 16, dashboard items 1, 2, 3, 5, 8, 9), against the seeded database.
@Suite struct TaskActionTests {
    let app: TestApp
    init() throws { app = try TestApp() }

    var failedRun: String { "/api/v1/dags/etl/runs/\(esc(app.failed.runId))" }

    @Test func markOneTaskNeedsTheTokenThenRequeuesTheRun() throws {
        let path = failedRun + "/tasks/transform_a"
        #expect(try app.send("PATCH", path, json: #"{"state": "success"}"#, token: nil).status == 401)
        #expect(try app.send("PATCH", path, json: #"{"state": "success"}"#, token: "wrong").status == 401)
        #expect(try app.store.taskInstance(runPk: app.failed.pk, taskId: "transform_a")?.state == .failed)
        let bad = try app.send("PATCH", path, json: #"{"state": "running"}"#)
        #expect(bad.status == 400)
        let response = try app.send("PATCH", path, json: #"{"state": "success"}"#)
        #expect(response.status == 200, "\(response.text)")
        let json = try response.json()
        #expect(json["marked_task_ids"] as? [String] == ["transform_a"])
        #expect((json["run"] as? [String: Any])?["state"] as? String == "queued")
        #expect(try app.store.taskInstance(runPk: app.failed.pk, taskId: "transform_a")?.state == .success)
        #expect(try app.store.taskInstance(runPk: app.failed.pk, taskId: "load")?.state == .upstreamFailed)
    }

    @Test func markWithDownstreamAndRefusalOnAnUnfinishedRun() throws {
        let response = try app.send("PATCH", failedRun + "/tasks/transform_a",
                                    json: #"{"state": "failed", "include_downstream": true}"#)
        #expect(response.status == 200, "\(response.text)")
        #expect(try response.json()["marked_task_ids"] as? [String] == ["transform_a", "load"])
        #expect(try app.store.taskInstance(runPk: app.failed.pk, taskId: "load")?.state == .failed)
        let running = "/api/v1/dags/etl/runs/\(esc(app.running.runId))/tasks/transform_b"
        let refused = try app.send("PATCH", running, json: #"{"state": "success"}"#)
        #expect(refused.status == 409, "\(refused.text)")
        #expect(refused.text.contains("wait for it to finish"))
        #expect(try app.send("PATCH", failedRun + "/tasks/ghost", json: #"{"state": "success"}"#).status == 404)
    }

    @Test func clearOneTaskWithItsDownstream() throws {
        let response = try app.send("POST", failedRun + "/clear",
                                    json: #"{"task_ids": ["extract"], "include_downstream": true}"#)
        #expect(response.status == 200, "\(response.text)")
        #expect(try response.json()["cleared_task_ids"] as? [String] == ["extract", "transform_a", "transform_b", "load"])
        let alone = try app.send("POST", failedRun + "/clear", json: #"{"task_ids": ["transform_b"]}"#)
        #expect(try alone.json()["cleared_task_ids"] as? [String] == ["transform_b"])
        let noToken = try app.send("POST", failedRun + "/clear", json: #"{"task_ids": ["load"]}"#, token: nil)
        #expect(noToken.status == 401)
    }

    @Test func xcomsArePrettyPrintedWithTheirSize() throws {
        let path = "/api/v1/dags/etl/runs/\(esc(app.succeeded.runId))/tasks/load/xcoms"
        let json = try app.get(path).json()
        let xcoms = try #require(json["xcoms"] as? [[String: Any]])
        #expect(xcoms.count == 1)
        #expect(xcoms[0]["key"] as? String == "quality_checks")
        let value = try #require(xcoms[0]["value"] as? String)
        #expect(value.contains("\n"), "pretty-printed")
        #expect(value.contains("\"orders_not_null\""))
        let stored = try #require(try app.store.xcomTexts(runPk: app.succeeded.pk, taskId: "load").first?.json)
        #expect(xcoms[0]["size_bytes"] as? Int == stored.utf8.count)
        #expect(xcoms[0]["truncated"] as? Bool == false)
        // A value over the preview limit is cut and says so.
        try app.store.pushXCom(runPk: app.succeeded.pk, taskId: "extract", key: "big",
                               value: .string(String(repeating: "<b>", count: 3_000)), now: Date())
        let big = try #require((try app.get("/api/v1/dags/etl/runs/\(esc(app.succeeded.runId))/tasks/extract/xcoms")
            .json()["xcoms"] as? [[String: Any]])?.first)
        #expect(big["truncated"] as? Bool == true)
        #expect((big["value"] as? String)?.count == 4_000)
        #expect(big["size_bytes"] as? Int == 9_002)
    }

    @Test func runPreviewShowsTheIntervalBeforeTheRunIsQueued() throws {
        let json = try app.get("/api/v1/dags/etl/run-preview?logical_date=2026-11-20").json()
        #expect(json["run_id"] as? String == "manual__2026-11-20T00:00:00Z")
        #expect(json["data_interval_start"] as? String == "2026-11-20T00:00:00.000Z")
        #expect(json["data_interval_end"] as? String == "2026-11-21T00:00:00.000Z")
        #expect(json["manual_run_exists"] as? Bool == false)
        let taken = try app.get("/api/v1/dags/etl/run-preview?logical_date=2026-11-02").json()
        #expect(taken["manual_run_exists"] as? Bool == true, "the seeded manual run of 11-02 exists")
        #expect(taken["run_id"] as? String == app.failed.runId)
        #expect(try app.get("/api/v1/dags/etl/run-preview?logical_date=soon").status == 400)
        #expect(try app.store.countRuns(.init(dagId: "etl")) == 3, "a preview queues nothing")
    }

    @Test func authCheckNamesTheTokenAndItsRoleAndWritesNoAudit() throws {
        let admin = try app.send("POST", "/api/v1/auth/check", token: testToken)
        #expect(admin.status == 200)
        #expect(try admin.json()["role"] as? String == "admin")
        #expect(try admin.json()["name"] as? String == "api-token")
        let created = try app.send("POST", "/api/v1/tokens", json: #"{"name": "reader", "role": "viewer"}"#)
        let secret = try #require(try created.json()["token"] as? String)
        let viewer = try app.send("POST", "/api/v1/auth/check", token: secret)
        #expect(viewer.status == 200, "a viewer's token is valid too: the dashboard shows its role")
        #expect(try viewer.json()["role"] as? String == "viewer")
        #expect(try app.send("POST", "/api/v1/auth/check", token: "nope").status == 401)
        #expect(try app.send("POST", "/api/v1/auth/check", token: nil).status == 401)
        let audit = try app.send("GET", "/api/v1/audit?limit=50").json()["entries"] as? [[String: Any]] ?? []
        #expect(!audit.isEmpty, "the token creation is audited")
        #expect(!audit.contains { ($0["action"] as? String ?? "").contains("auth") })
    }

    @Test func failuresListFailedRunsAndTriesWithoutAnyWebhook() throws {
        let json = try app.get("/api/v1/failures").json()
        let runs = try #require(json["runs"] as? [[String: Any]])
        #expect(runs.map { $0["run_id"] as? String } == [app.failed.runId])
        let tries = try #require(json["tries"] as? [[String: Any]])
        #expect(tries.map { "\($0["task_id"] ?? "")#\($0["try_number"] ?? "")" } == ["transform_a#2", "transform_a#1"])
        #expect(tries.first?["error"] as? String == "boom again")
    }

    @Test func dagListFilters() throws {
        func ids(_ query: String) throws -> [String] {
            let response = try app.get("/api/v1/dags" + query)
            #expect(response.status == 200, "\(query): \(response.text)")
            return (try response.json()["dags"] as? [[String: Any]] ?? []).compactMap { $0["dag_id"] as? String }
        }
        #expect(try ids("") == ["etl", "manual_only"])
        #expect(try ids("?dag_id_pattern=MAN") == ["manual_only"])
        #expect(try ids("?tag=other") == ["manual_only"])
        #expect(try ids("?owner=\(etlDAG.owner)").contains("etl"))
        #expect(try ids("?owner=nobody").isEmpty)
        #expect(try ids("?last_state=none") == ["manual_only"])
        let latest = try #require((try app.get("/api/v1/dags").json()["dags"] as? [[String: Any]])?
            .first { $0["dag_id"] as? String == "etl" }?["last_run"] as? [String: Any])
        #expect(try ids("?last_state=\(latest["state"] as? String ?? "")") == ["etl"])
        #expect(try ids("?paused=true").isEmpty)
        #expect(try ids("?paused=false") == ["etl", "manual_only"])
        #expect(try app.get("/api/v1/dags?paused=maybe").status == 400)
        #expect(try app.get("/api/v1/dags?last_state=odd").status == 400)
        let all = try app.get("/api/v1/dags").json()
        #expect(all["all_tags"] as? [String] == ["other", "test"])
    }
}
