import Foundation
import OrchCore
import OrchRuntime
import OrchStore
import Testing

/// Every read route answers over real HTTP with the seeded runs' real data.
@Suite struct ReadRoutesTests {
    let app: TestApp
    init() throws { app = try TestApp() }

    @Test func dagListHasRecentRunsAndNextRun() throws {
        let json = try app.get("/api/v1/dags").json()
        let dags = try #require(json["dags"] as? [[String: Any]])
        #expect(dags.map { $0["dag_id"] as? String } == ["etl", "manual_only"])
        let etl = dags[0]
        #expect(etl["schedule"] as? String == "@daily")
        #expect((etl["recent_runs"] as? [[String: Any]])?.map { $0["state"] as? String } == ["running", "failed", "success"])
        #expect((etl["last_run"] as? [String: Any])?["state"] as? String == "running")
        #expect(etl["task_count"] as? Int == 4)
        #expect(try app.get("/api/v1/dags?tag=other").json()["total_entries"] as? Int == 1)
    }

    @Test func dagDetailHasTasksAndEdges() throws {
        let json = try app.get("/api/v1/dags/etl").json()
        let tasks = try #require(json["tasks"] as? [[String: Any]])
        #expect(tasks.map { $0["task_id"] as? String } == ["extract", "transform_a", "transform_b", "load"])
        #expect(tasks[0]["downstream"] as? [String] == ["transform_a", "transform_b"])
        let edges = try #require(json["edges"] as? [[String: String]])
        #expect(edges.count == 4)
        #expect(edges.contains(["from": "transform_b", "to": "load"]))
    }

    @Test func runsArePagedAndFiltered() throws {
        let page = try app.get("/api/v1/dags/etl/runs?limit=2").json()
        #expect(page["total_entries"] as? Int == 3)
        #expect((page["runs"] as? [[String: Any]])?.map { $0["run_id"] as? String }
            == [app.running.runId, app.failed.runId])
        let next = try app.get("/api/v1/dags/etl/runs?limit=2&offset=2").json()
        #expect((next["runs"] as? [[String: Any]])?.first?["run_id"] as? String == app.succeeded.runId)
        let failed = try app.get("/api/v1/dags/etl/runs?state=failed").json()
        #expect(failed["total_entries"] as? Int == 1)
        let manual = try app.get("/api/v1/dags/etl/runs?run_type=manual").json()
        #expect((manual["runs"] as? [[String: Any]])?.first?["run_id"] as? String == app.failed.runId)
        let dated = try app.get("/api/v1/dags/etl/runs?logical_date_gte=2026-11-02&logical_date_lte=2026-11-02T23:00:00Z").json()
        #expect(dated["total_entries"] as? Int == 1)
        let all = try app.get("/api/v1/dags/~/runs").json()
        #expect(all["total_entries"] as? Int == 3)
    }

    @Test func runDetailHasTaskInstancesInDAGOrder() throws {
        let json = try app.get("/api/v1/dags/etl/runs/\(esc(app.failed.runId))").json()
        #expect((json["run"] as? [String: Any])?["state"] as? String == "failed")
        #expect((json["run"] as? [String: Any])?["conf"] as? [String: Int] == ["day": 2])
        let tis = try #require(json["task_instances"] as? [[String: Any]])
        #expect(tis.map { $0["state"] as? String } == ["success", "failed", "success", "upstream_failed"])
        #expect(tis[1]["try_number"] as? Int == 2)
        let list = try app.get("/api/v1/dags/etl/runs/\(esc(app.failed.runId))/tasks").json()
        #expect((list["task_instances"] as? [Any])?.count == 4)
    }

    @Test func gridShowsLatestRunsTimesTasks() throws {
        let json = try app.get("/api/v1/dags/etl/grid?limit=2").json()
        #expect(json["task_ids"] as? [String] == ["extract", "transform_a", "transform_b", "load"])
        #expect(json["total_runs"] as? Int == 3)
        let runs = try #require(json["runs"] as? [[String: Any]])
        #expect(runs.count == 2)
        let cells = try #require(runs[1]["task_instances"] as? [[String: Any]])
        #expect(cells.map { $0["state"] as? String } == ["success", "failed", "success", "upstream_failed"])
        #expect(cells[1]["try_number"] as? Int == 2)
    }

    @Test func taskDetailListsEveryTry() throws {
        let path = "/api/v1/dags/etl/runs/\(esc(app.failed.runId))/tasks/transform_a"
        let json = try app.get(path).json()
        let tries = try #require(json["tries"] as? [[String: Any]])
        #expect(tries.map { $0["try_number"] as? Int } == [1, 2])
        #expect(tries.map { $0["exit_code"] as? Int } == [3, 3])
        #expect(tries[0]["log_url"] as? String == path + "/tries/1/log")
        #expect(tries[0]["log_path"] == nil)
        #expect((try app.get(path + "/tries").json()["tries"] as? [Any])?.count == 2)
        let gantt = try app.get("/api/v1/dags/etl/runs/\(esc(app.failed.runId))/tries").json()
        #expect((gantt["tries"] as? [Any])?.count == 4)
    }

    @Test func qualityChecksComeFromXCom() throws {
        let run = try app.get("/api/v1/dags/etl/runs/\(esc(app.succeeded.runId))/quality-checks").json()
        #expect(run["passed"] as? Int == 1)
        #expect(run["failed"] as? Int == 1)
        #expect((run["checks"] as? [[String: Any]])?.first?["name"] as? String == "orders_not_null")
        let dag = try app.get("/api/v1/dags/etl/quality-checks").json()
        #expect((dag["runs"] as? [[String: Any]])?.map { $0["run_id"] as? String } == [app.succeeded.runId])
        let none = try app.get("/api/v1/dags/etl/runs/\(esc(app.running.runId))/quality-checks").json()
        #expect((none["checks"] as? [Any])?.isEmpty == true)
    }

    @Test func alertsWithDeliveries() throws {
        let page = try app.get("/api/v1/alerts").json()
        let alerts = try #require(page["alerts"] as? [[String: Any]])
        #expect(alerts.count == 1)
        #expect(alerts[0]["event"] as? String == "dag_run_failed")
        let id = try #require(alerts[0]["id"] as? Int)
        let detail = try app.get("/api/v1/alerts/\(id)").json()
        #expect((detail["payload"] as? [String: String])?["text"] == "etl failed")
        #expect((detail["deliveries"] as? [[String: Any]])?.first?["status_code"] as? Int == 503)
        #expect(try app.get("/api/v1/alerts?state=delivered").json()["total_entries"] as? Int == 0)
        #expect(try app.get("/api/v1/alerts/999").status == 404)
    }

    @Test func healthReportsDatabaseAndScheduler() throws {
        var response = try app.get("/api/v1/health")
        #expect(response.status == 200)
        var json = try response.json()
        #expect((json["database"] as? [String: Any])?["status"] as? String == "ok")
        #expect((json["scheduler"] as? [String: Any])?["status"] as? String == "not_running")
        #expect(json["status"] as? String == "degraded")
        _ = try app.store.acquireLease(holder: "test", pid: 1, hostname: "h", now: Date().addingTimeInterval(-2),
                                       ttl: 15) { _ in true }
        response = try app.get("/api/v1/health")
        json = try response.json()
        let age = try #require((json["scheduler"] as? [String: Any])?["heartbeat_age_seconds"] as? Double)
        #expect(age >= 2)
        #expect(json["status"] as? String == "ok")
    }

    @Test func staticDashboardIsServed() throws {
        let index = try app.get("/")
        #expect(index.status == 200)
        #expect(index.header("Content-Type") == "text/html; charset=utf-8")
        let js = try app.get("/js/app.js")
        #expect(js.header("Content-Type") == "text/javascript; charset=utf-8")
    }
}

/// Cached GET answers are dropped as soon as any connection commits.
@Suite struct ResponseCacheTests {
    let app: TestApp
    init() throws { app = try TestApp() }

    @Test func writesByAnotherConnectionAreSeenAtOnce() throws {
        #expect(try app.get("/api/v1/dags/etl/runs").json()["total_entries"] as? Int == 3)
        #expect(try app.get("/api/v1/dags/etl/runs").json()["total_entries"] as? Int == 3)
        // Another connection (here the test's store; in production the scheduler or a task process) writes.
        try app.store.setTaskStates(runPk: app.running.pk, [("transform_a", .queued)], now: Date())
        _ = try OrchStore.RunFactory.create(store: app.store, dag: etlDAG, type: .manual,
                                             interval: .init(start: .utc(2026, 11, 9), end: .utc(2026, 11, 9)),
                                             conf: [:], owner: nil, now: Date())
        #expect(try app.get("/api/v1/dags/etl/runs").json()["total_entries"] as? Int == 4)
        let grid = try app.get("/api/v1/dags/etl/grid").json()["runs"] as? [[String: Any]]
        let live = grid?.first { $0["run_id"] as? String == app.running.runId }
        let cells = live?["task_instances"] as? [[String: Any]]
        #expect(cells?.first { $0["task_id"] as? String == "transform_a" }?["state"] as? String == "queued")
    }
}
