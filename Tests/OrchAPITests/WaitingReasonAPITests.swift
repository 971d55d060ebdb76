import Foundation
import OrchCore
import Testing

/// `waiting_reason` / `waiting_code` on task instances and runs (issue 17, item 4), from a real server over a real
/// SQLite database; no scheduler runs, so queued runs wait for one.
@Suite struct WaitingReasonAPITests {
    let app: TestApp
    init() throws { app = try TestApp() }

    /// Left out or null.
    private func absent(_ v: Any?) -> Bool { v == nil || v is NSNull }

    private func path(_ run: String) -> String {
        "/api/v1/dags/etl/runs/" + (run.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? run)
    }

    @Test func tasksOfARunningRunSayWhichUpstreamTheyWaitFor() throws {
        let body = try app.get(path(app.running.runId)).json()
        let tasks = try #require(body["task_instances"] as? [[String: Any]])
        let byId = Dictionary(uniqueKeysWithValues: tasks.map { ($0["task_id"] as? String ?? "", $0) })
        #expect(byId["transform_a"]?["waiting_reason"] as? String == "upstream extract still running")
        #expect(byId["transform_a"]?["waiting_code"] as? String == "upstream")
        #expect((byId["load"]?["waiting_reason"] as? String)?.hasPrefix("upstream transform_a (none), transform_b (none)") == true)
        #expect(absent(byId["extract"]?["waiting_reason"]))   // running: nothing to wait for
        let run = try #require(body["run"] as? [String: Any])
        #expect(absent(run["waiting_reason"]))
        // The same on the task list and the task's own page.
        let list = try app.get(path(app.running.runId) + "/tasks").json()["task_instances"] as? [[String: Any]]
        #expect(list?.first { $0["task_id"] as? String == "transform_b" }?["waiting_code"] as? String == "upstream")
        let one = try app.get(path(app.running.runId) + "/tasks/load").json()["task_instance"] as? [String: Any]
        #expect(one?["waiting_code"] as? String == "upstream")
    }

    @Test func aQueuedRunWithoutASchedulerSaysSo() throws {
        let created = try app.send("POST", "/api/v1/dags/etl/runs", json: #"{"logical_date": "2026-11-20"}"#)
        #expect(created.status == 201)
        let runId = try #require(try created.json()["run_id"] as? String)
        let body = try app.get(path(runId)).json()
        let run = try #require(body["run"] as? [String: Any])
        #expect(run["waiting_code"] as? String == "no_scheduler")
        #expect((run["waiting_reason"] as? String)?.hasPrefix("no scheduler holds the lease") == true)
    }

    @Test func finishedRunsCarryNoReason() throws {
        let body = try app.get(path(app.succeeded.runId)).json()
        let tasks = try #require(body["task_instances"] as? [[String: Any]])
        #expect(tasks.allSatisfy { absent($0["waiting_reason"]) })
    }
}
