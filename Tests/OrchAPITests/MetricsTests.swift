import Foundation
import OrchAPI
import OrchStore
import Testing

/// `/metrics` over real HTTP: the Prometheus text format, route patterns (never raw paths) as labels, state gauges
/// that match the database, and the token rule of every read.
@Suite(.serialized) struct MetricsTests {
    func metrics(_ app: TestApp) throws -> String {
        let response = try app.get("/metrics")
        #expect(response.status == 200)
        #expect(response.header("Content-Type")?.hasPrefix("text/plain; version=0.0.4") == true)
        return response.text
    }

    /// The value of the sample line that starts with `prefix` (name and labels as written).
    func sample(_ text: String, _ prefix: String) -> Double? {
        text.split(separator: "\n").first { $0.hasPrefix(prefix + " ") }.flatMap { Double($0.split(separator: " ").last ?? "") }
    }

    @Test func stateGaugesMatchTheSeededDatabase() throws {
        let app = try TestApp()
        // One request first: a request is recorded when it ends, so a scrape that is the process's first request
        // (this suite alone, or first in a parallel run) would not see the HTTP histogram yet.
        #expect(try app.get("/api/v1/health").status == 200)
        let text = try metrics(app)
        // Seed: one success, one failed, one running run of etl.
        #expect(sample(text, #"orch_dag_runs{state="success"}"#) == 1)
        #expect(sample(text, #"orch_dag_runs{state="failed"}"#) == 1)
        #expect(sample(text, #"orch_dag_runs{state="running"}"#) == 1)
        #expect(sample(text, #"orch_dag_runs{state="queued"}"#) == 0)
        #expect(sample(text, #"orch_task_instances{state="upstream_failed"}"#) == 1)
        #expect(sample(text, #"orch_pool_tasks{pool="default_pool",state="running"}"#) == 1)
        #expect(sample(text, #"orch_alert_outbox_pending"#) == 1)
        #expect(sample(text, #"orch_dag_import_errors"#) == 0)
        let size = try #require(sample(text, "orch_database_size_bytes"))
        if app.onPostgres {
            #expect(size > 0, "the PostgreSQL database's size")
        } else {
            let onDisk = try FileManager.default.attributesOfItem(atPath: app.home.databasePath)[.size] as? NSNumber
            #expect(size == onDisk?.doubleValue && size > 0)
        }
        #expect(sample(text, "orch_database_wal_size_bytes") != nil)
        #expect(text.contains("# TYPE orch_http_request_duration_seconds histogram"))
    }

    @Test func httpRequestsAreLabelledByRoutePattern() throws {
        let app = try TestApp()
        let ghost = "ghost-\(UUID().uuidString.prefix(8))"
        for _ in 0..<3 { #expect(try app.get("/api/v1/dags/etl/runs/\(ghost)").status == 404) }
        let text = try metrics(app)
        #expect(!text.contains(ghost))
        let line = #"orch_http_requests_total{route="/api/v1/dags/{dag_id}/runs/{run_id}",method="GET",status="404"}"#
        #expect((sample(text, line) ?? 0) >= 3, "\(text.split(separator: "\n").filter { $0.contains("404") })")
        // The first scrape is counted after it is answered, so the second one shows it.
        let again = try metrics(app)
        #expect(again.contains(#"route="/metrics""#))
    }

    @Test func beyondLoopbackMetricsNeedAToken() throws {
        let app = try TestApp(host: "0.0.0.0")
        let url = app.base + "/metrics"
        #expect(try app.client.send(.init(url: url, headers: [("Host", "127.0.0.1")])).status == 401)
        #expect(try app.client.send(.init(url: url, headers: [("Host", "127.0.0.1"),
                                                               ("Authorization", "Bearer \(testToken)")])).status == 200)
    }
}
