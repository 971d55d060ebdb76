import Foundation
import OrchCore
import OrchRuntime
import OrchStore
import Testing

/// /api/v1/assets over real HTTP, on a real SQLite file (issue 14).
@Suite struct AssetRoutesTests {
    let app: TestApp
    init() throws { app = try TestApp() }

    /// A run of etl whose extract succeeds after reporting 42 rows inserted into its outlet.
    private func materialize() throws -> RunRecord {
        let store = app.store
        let t = Date(timeIntervalSince1970: 1_793_900_000)
        let run = try RunFactory.create(store: store, dag: etlDAG, type: .manual,
                                        interval: RunFactory.interval(for: etlDAG, logicalDate: .utc(2026, 11, 5)),
                                        conf: [:], owner: nil, now: t)
        _ = try store.beginAttempt(runPk: run.pk, taskId: "extract", tryNumber: 1, isolation: .process, logPath: "/dev/null", now: t)
        try store.pushXCom(runPk: run.pk, taskId: "extract", key: AssetMaterialization.xcomKey("postgres://w/raw"),
                           value: AssetMaterialization(rowsInserted: 40, rowsUpdated: 2).json, now: t)
        try store.finishAttempt(runPk: run.pk, taskId: "extract", tryNumber: 1, outcome: .success,
                                resolution: AttemptResolution.resolve(.success, tryNumber: 1, policy: RetryPolicy(), now: t), now: t, alerts: [],
                                outlets: etlDAG.task("extract")!.assets.outlets)
        return run
    }

    @Test func listShowsLineageLatestMaterializationAndHealth() throws {
        let before = try app.get("/api/v1/assets").json()
        let unmaterialized = try #require((before["assets"] as? [[String: Any]])?.first)
        #expect((unmaterialized["health"] as? [String: Any])?["status"] as? String == "never_materialized")

        let run = try materialize()
        let json = try app.get("/api/v1/assets").json()
        #expect(json["total_entries"] as? Int == 1)
        let asset = try #require((json["assets"] as? [[String: Any]])?.first)
        #expect(asset["uri"] as? String == "postgres://w/raw")
        #expect(asset["producers"] as? [[String: String]] == [["dag_id": "etl", "task_id": "extract"]])
        #expect(asset["consumers"] as? [[String: String]] == [["dag_id": "etl", "task_id": "load"]])
        let latest = try #require(asset["latest_materialization"] as? [String: Any])
        #expect(latest["rows"] as? Int == 42 && latest["run_id"] as? String == run.runId)
        #expect((latest["metadata"] as? [String: Int]) == ["rows_inserted": 40, "rows_updated": 2])
        #expect((asset["health"] as? [String: Any])?["status"] as? String == "ok")

        let id = try #require(asset["id"] as? Int)
        let one = try app.get("/api/v1/assets/\(id)").json()
        #expect(one["uri"] as? String == "postgres://w/raw")
        let page = try app.get("/api/v1/assets/\(id)/materializations?limit=5").json()
        #expect(page["total_entries"] as? Int == 1)
        #expect((page["materializations"] as? [[String: Any]])?.first?["data_interval_start"] as? String == "2026-11-05T00:00:00.000Z")
        let perRun = try app.get("/api/v1/dags/etl/runs/\(esc(run.runId))/materializations").json()
        #expect((perRun["materializations"] as? [[String: Any]])?.map { $0["uri"] as? String } == ["postgres://w/raw"])
    }

    /// "Clear the failed tasks" includes a task blocked by a check; the dashboard and API show the new state.
    @Test func clearingFailedTasksIncludesBlockedOnes() throws {
        let run = app.failed
        try app.store.blockTask(runPk: run.pk, taskId: "load",
                                reason: "blocked by check 'c' on postgres://w/raw (error)", now: Date())
        let tasks = try app.get("/api/v1/dags/etl/runs/\(esc(run.runId))/tasks").json()
        let load = try #require((tasks["task_instances"] as? [[String: Any]])?.first { $0["task_id"] as? String == "load" })
        #expect(load["state"] as? String == "blocked_by_check")
        let airflow = try app.send("GET", "/api/v2/dags/etl/dagRuns/\(esc(run.runId))/taskInstances/load").json()
        #expect(airflow["state"] as? String == "upstream_failed", "Airflow clients see the nearest Airflow state")
        let cleared = try app.send("POST", "/api/v1/dags/etl/runs/\(esc(run.runId))/clear", json: "{}").json()
        #expect(Set(cleared["cleared_task_ids"] as? [String] ?? []) == ["transform_a", "load"])
    }

    @Test func unknownOrBadIdsGetAClearError() throws {
        let missing = try app.get("/api/v1/assets/999")
        #expect(missing.status == 404)
        #expect(try missing.json()["message"] as? String == "no asset 999; GET /api/v1/assets lists them")
        #expect(try app.get("/api/v1/assets/abc").status == 400)
        #expect(try app.get("/api/v1/assets/1/materializations?limit=0").status == 400)
    }
}
