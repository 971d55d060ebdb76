import Foundation
import OrchCore
import Testing

/// Trigger, clear, mark and pause change the real database.
@Suite struct ActionTests {
    let app: TestApp
    init() throws { app = try TestApp() }

    @Test func triggerCreatesARunWithConfAndLogicalDate() throws {
        let response = try app.send("POST", "/api/v1/dags/etl/runs",
                                    json: #"{"conf": {"region": "eu", "n": 3}, "logical_date": "2026-11-20T06:00:00Z"}"#)
        #expect(response.status == 201)
        let json = try response.json()
        #expect(json["run_id"] as? String == "manual__2026-11-20T06:00:00Z")
        #expect(json["state"] as? String == "queued")
        #expect(json["run_type"] as? String == "manual")
        #expect(json["logical_date"] as? String == "2026-11-20T06:00:00.000Z")
        #expect((json["conf"] as? [String: Any])?["region"] as? String == "eu")
        #expect(response.header("Location") == "/api/v1/dags/etl/runs/manual__2026-11-20T06%3A00%3A00Z")
        let stored = try #require(try app.store.run(dagId: "etl", runId: "manual__2026-11-20T06:00:00Z"))
        #expect(stored.conf["n"] == .number(3))
        #expect(try app.store.taskInstances(runPk: stored.pk).count == 4)
        // The same logical date again is a second manual run of the same interval (Airflow 3 allows it), with a run
        // id of its own; an explicit run id that is taken is still a conflict.
        let again = try app.send("POST", "/api/v1/dags/etl/runs", json: #"{"logical_date": "2026-11-20T06:00:00Z"}"#)
        #expect(again.status == 201)
        #expect(try again.json()["run_id"] as? String == "manual__2026-11-20T06:00:00Z_2")
        #expect(try again.json()["data_interval_start"] as? String == json["data_interval_start"] as? String)
        let taken = try app.send("POST", "/api/v1/dags/etl/runs", json: #"{"run_id": "manual__2026-11-20T06:00:00Z"}"#)
        #expect(taken.status == 409)
        #expect(try app.get("/api/v1/dags/~/runs").json()["total_entries"] as? Int == 5)
    }

    @Test func triggerWithAnEmptyBodyUsesNow() throws {
        let response = try app.send("POST", "/api/v1/dags/manual_only/runs", json: "")
        #expect(response.status == 201)
        #expect(try app.get("/api/v1/dags/manual_only/runs").json()["total_entries"] as? Int == 1)
        #expect(try app.send("POST", "/api/v1/dags/ghost/runs", json: "{}").status == 404)
    }

    @Test func clearResetsFailedTasksAndRequeuesTheRun() throws {
        let path = "/api/v1/dags/etl/runs/\(esc(app.failed.runId))"
        let response = try app.send("POST", path + "/clear", json: "{}")
        #expect(response.status == 200)
        let json = try response.json()
        #expect(json["cleared_task_ids"] as? [String] == ["transform_a", "load"])
        #expect((json["run"] as? [String: Any])?["state"] as? String == "queued")
        let states = try app.store.taskInstances(runPk: app.failed.pk).reduce(into: [String: TaskState]()) {
            $0[$1.taskId] = $1.state
        }
        #expect(states == ["extract": .success, "transform_a": .none, "transform_b": .success, "load": .none])
        // Every earlier try is kept.
        #expect(try app.store.attempts(runPk: app.failed.pk, taskId: "transform_a").count == 2)
        // Nothing failed any more: a second clear has nothing to do.
        #expect(try app.send("POST", path + "/clear", json: "{}").status == 409)
    }

    @Test func clearingARunningTaskIsAConflict() throws {
        let path = "/api/v1/dags/etl/runs/\(esc(app.running.runId))/clear"
        #expect(try app.send("POST", path, json: #"{"task_ids": ["extract"]}"#).status == 409)
    }

    @Test func markSuccessFinishesUnfinishedTasks() throws {
        let path = "/api/v1/dags/etl/runs/\(esc(app.running.runId))"
        let response = try app.send("PATCH", path, json: #"{"state": "success"}"#)
        #expect(response.status == 200)
        #expect(try response.json()["state"] as? String == "success")
        let states = Set(try app.store.taskInstances(runPk: app.running.pk).map(\.state))
        #expect(states == [.success])
        #expect(try app.send("PATCH", path, json: #"{"state": "failed"}"#).status == 200)
        #expect(try app.store.run(pk: app.running.pk)?.state == .failed)
    }

    @Test func pauseAndUnpause() throws {
        let paused = try app.send("PATCH", "/api/v1/dags/etl", json: #"{"is_paused": true}"#)
        #expect(paused.status == 200)
        #expect(try paused.json()["is_paused"] as? Bool == true)
        #expect(try app.store.dag("etl")?.isPaused == true)
        let list = try app.get("/api/v1/dags").json()["dags"] as? [[String: Any]]
        #expect(list?.first?["is_paused"] as? Bool == true)
        #expect(try app.send("PATCH", "/api/v1/dags/etl", json: #"{"is_paused": false}"#).status == 200)
        #expect(try app.store.dag("etl")?.isPaused == false)
    }
}
