import Foundation
import OrchAPI
import OrchCore
import OrchStore
import Testing

/// Bulk clear and mark over real HTTP on loopback against the seeded SQLite database (issue 17, item 5): a dry
/// run lists and changes nothing, the real action changes exactly that list, each is audited, needs the operator
/// role, and bad input is a 400 that changes nothing.
@Suite struct BulkActionTests {
    let app: TestApp
    init() throws { app = try TestApp() }

    /// Every run's state and its task states, to compare before and after.
    func snapshot() throws -> [String: String] {
        var out: [String: String] = [:]
        for run in try app.store.runs(RunQuery(dagId: "etl", limit: 100)) {
            let tasks = try app.store.taskInstances(runPk: run.pk).sorted { $0.taskId < $1.taskId }
            out[run.runId] = "\(run.state.rawValue):" + tasks.map(\.state.rawValue).joined(separator: ",")
        }
        return out
    }

    func post(_ path: String, _ json: String, token: String? = testToken) throws -> (Int, [String: Any]) {
        let response = try app.send("POST", "/api/v1/dags/etl/" + path, json: json, token: token)
        return (response.status, (try? response.json()) ?? ["text": response.text])
    }

    @Test func dryRunClearListsTheFailedRunsAndChangesNothingThenTheRealClearDoes() throws {
        let before = try snapshot()
        let body = #"{"run_states": ["failed"], "logical_date_gte": "2026-11-01", "logical_date_lte": "2026-11-30", "dry_run": true}"#
        let (status, dry) = try post("runs/bulk-clear", body)
        #expect(status == 200, "\(dry)")
        #expect(dry["dry_run"] as? Bool == true)
        let runs = try #require(dry["runs"] as? [[String: Any]])
        #expect(runs.map { $0["run_id"] as? String } == [app.failed.runId])
        #expect(runs.first?["task_ids"] as? [String] == ["extract", "load", "transform_a", "transform_b"])
        #expect(dry["total_task_instances"] as? Int == 4)
        #expect(dry["changed_run_ids"] as? [String] == [])
        #expect(try snapshot() == before, "a dry run changes nothing")

        let (realStatus, real) = try post("runs/bulk-clear", body.replacingOccurrences(of: "true}", with: "false}"))
        #expect(realStatus == 200, "\(real)")
        #expect(real["changed_run_ids"] as? [String] == [app.failed.runId])
        let after = try snapshot()
        #expect(after[app.failed.runId] == "queued:none,none,none,none")
        #expect(after[app.succeeded.runId] == before[app.succeeded.runId])
        #expect(after[app.running.runId] == before[app.running.runId])

        // Both are audited as run.bulk_clear, with the filter, dry_run and the changed runs.
        let entries = try app.store.auditLog(limit: 10, offset: 0, action: "run.bulk_clear")
        #expect(entries.count == 2)
        #expect(entries[0].entry.target["dry_run"] == "false")
        #expect(entries[0].entry.target["changed_run_ids"] == app.failed.runId)
        #expect(entries[0].entry.target["run_states"] == "failed")
        #expect(entries[0].entry.target["logical_date_gte"] == "2026-11-01")
        #expect(entries[1].entry.target["dry_run"] == "true")
        #expect(entries[1].entry.target["changed_run_ids"] == "")
    }

    @Test func markRunsByRangeSkipsNothingAndLeavesRunsAlreadyInThatState() throws {
        let (status, json) = try post("runs/bulk-mark", #"{"state": "success", "logical_date_gte": "2026-11-01T00:00:00Z"}"#)
        #expect(status == 200, "\(json)")
        let changed = Set(try #require(json["changed_run_ids"] as? [String]))
        #expect(changed == [app.failed.runId, app.running.runId], "the successful run is left out")
        #expect(try app.store.run(pk: app.running.pk)?.state == .success)
        #expect(try app.store.run(pk: app.failed.pk)?.state == .success)
        #expect(try app.store.auditLog(limit: 5, offset: 0, action: "run.bulk_mark").first?.entry.target["state"] == "success")
    }

    @Test func clearTasksByIdSkipsTheRunningRunAndSaysWhy() throws {
        let before = try snapshot()
        let (status, json) = try post("tasks/bulk-clear", #"{"task_ids": ["transform_a"], "run_ids": ["\#(app.failed.runId)", "\#(app.running.runId)"]}"#)
        #expect(status == 200, "\(json)")
        #expect((json["runs"] as? [[String: Any]])?.map { $0["task_ids"] as? [String] } == [["transform_a"]])
        let skipped = try #require(json["skipped"] as? [[String: Any]])
        #expect(skipped.count == 1)
        #expect(skipped.first?["run_id"] as? String == app.running.runId)
        #expect(skipped.first?["reason"] as? String == "run is running; wait for it to finish")
        let after = try snapshot()
        #expect(after[app.failed.runId] == "queued:success,upstream_failed,none,success")
        #expect(after[app.running.runId] == before[app.running.runId])
        #expect(try app.store.auditLog(limit: 5, offset: 0, action: "task.bulk_clear").count == 1)
    }

    @Test func markTasksFailedInFinishedRuns() throws {
        let (status, json) = try post("tasks/bulk-mark", #"{"state": "failed", "task_ids": ["load"], "task_states": ["success"]}"#)
        #expect(status == 200, "\(json)")
        #expect(json["changed_run_ids"] as? [String] == [app.succeeded.runId])
        #expect(try app.store.taskInstance(runPk: app.succeeded.pk, taskId: "load")?.state == .failed)
        #expect(try app.store.run(pk: app.succeeded.pk)?.state == .queued, "queued for the scheduler to settle")
    }

    @Test func bulkActionsNeedAnOperatorToken() throws {
        let viewer = try #require(try app.send("POST", "/api/v1/tokens", json: #"{"name": "v", "role": "viewer"}"#)
            .json()["token"] as? String)
        let before = try snapshot()
        for path in ["runs/bulk-clear", "runs/bulk-mark", "tasks/bulk-clear", "tasks/bulk-mark"] {
            let body = #"{"state": "success", "run_states": ["failed"]}"#
            #expect(try post(path, body, token: nil).0 == 401, "\(path)")
            let (status, json) = try post(path, body, token: viewer)
            #expect(status == 403, "\(path): \(json)")
        }
        #expect(try snapshot() == before)
    }

    @Test(arguments: [
        ("runs/bulk-clear", "{}", "name what to act on"),
        ("runs/bulk-clear", #"{"run_states": ["broken"]}"#, "field 'run_states' has unknown state 'broken'"),
        ("tasks/bulk-clear", #"{"task_ids": ["ghost"]}"#, "DAG 'etl' has no task 'ghost'"),
        ("runs/bulk-clear", #"{"logical_date_gte": "2026-11-09", "logical_date_lte": "2026-11-01"}"#, "swap them"),
        ("runs/bulk-clear", #"{"logical_date_gte": "yesterday"}"#, "field 'logical_date_gte'"),
        ("runs/bulk-mark", #"{"run_states": ["failed"]}"#, "\"state\": \"success\" or \"failed\""),
        ("runs/bulk-mark", #"{"state": "running", "run_states": ["failed"]}"#, "\"state\": \"success\" or \"failed\""),
        ("tasks/bulk-clear", #"{"task_ids": ["load"], "include_downstream": true}"#, "unknown field 'include_downstream'"),
        ("tasks/bulk-mark", #"{"state": "success", "task_states": "failed"}"#, "must be an array of strings"),
    ])
    func badInputIsA400ThatChangesNothing(path: String, body: String, message: String) throws {
        let before = try snapshot()
        let (status, json) = try post(path, body)
        #expect(status == 400, "\(json)")
        #expect((json["message"] as? String)?.contains(message) == true, "\(json)")
        #expect(try snapshot() == before)
        #expect(try app.store.countAudit() == 0, "a refused request is not audited")
    }

    @Test func anUnknownDAGIsA404() throws {
        let response = try app.send("POST", "/api/v1/dags/ghost/runs/bulk-clear", json: #"{"run_states": ["failed"]}"#)
        #expect(response.status == 404)
    }
}
