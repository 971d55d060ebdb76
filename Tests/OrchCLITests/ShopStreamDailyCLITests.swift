#if canImport(Glibc)
import Glibc
#endif
import Foundation
import OrchSQLite
import Testing

/// The real `orch run shopstream_daily` binary against the snapshot served by `orch shopstream serve-source` on
/// loopback and a freshly created PostgreSQL database (source and warehouse passed through --conf).
@Suite(.serialized) struct ShopStreamDailyCLITests {
    static let tasks = ["fetch", "produce", "load_bronze", "silver", "gold", "star", "quality_checks"]

    @Test func runWithoutClickstreamSucceedsAndStoresPassingQualityChecks() throws {
        let s = try OrchSandbox(); defer { s.cleanup() }
        let db = try ScratchDatabase(); defer { db.drop() }
        let source = try ServedSnapshot(s); defer { source.stop() }

        let conf = try String(decoding: JSONSerialization.data(withJSONObject: [
            "clickstream_events": 0, "source_url": source.url, "warehouse_dsn": db.dsn,
        ], options: [.sortedKeys]), as: UTF8.self)
        let r = try s.run("run", "shopstream_daily", "--logical-date", "2026-11-20", "--conf", conf)
        #expect(r.status == 0, "\(r.output)")
        #expect(r.stdout.contains("run manual__2026-11-20T00:00:00Z: success"), "\(r.output)")

        let state = try s.database()
        let rows = try RunRows(state, dagId: "shopstream_daily")
        #expect(rows.state == "success")
        #expect(rows.tasks == Dictionary(uniqueKeysWithValues: Self.tasks.map { ($0, "success") }))
        #expect(rows.attempts.count == Self.tasks.count, "each task succeeds on its first try")
        // gold and star both wait for silver only (side by side), and quality_checks for both of them.
        let shown = try s.run("dags", "show", "shopstream_daily")
        let edges = Set(shown.stdout.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { $0.contains(" >> ") })
        #expect(edges.isSuperset(of: ["silver >> gold", "silver >> star", "gold >> quality_checks", "star >> quality_checks"]),
                "\(shown.output)")
        #expect(!edges.contains("gold >> star") && !edges.contains("star >> gold"), "\(shown.output)")
        func time(_ task: String, _ column: String) throws -> Double {
            try #require(rows.attempts(of: task).first?[column].double, "\(task).\(column)")
        }
        for task in ["gold", "star"] {
            #expect(try time(task, "start_date") >= time("silver", "end_date"), "\(task) after silver")
            #expect(try time("quality_checks", "start_date") >= time(task, "end_date"), "quality_checks after \(task)")
        }

        // quality_checks pushed its results as XCom: a non-empty list, every check passing.
        let xcom = try #require(try state.queryOne(
            "SELECT value FROM xcom WHERE run_pk = ? AND task_id = 'quality_checks' AND key = 'quality_checks'", [rows.runPk]))
        let value = try #require(xcom["value"].string)
        let checks = try #require(try JSONSerialization.jsonObject(with: Data(value.utf8)) as? [[String: Any]], "\(value)")
        #expect(checks.count >= 5)
        for check in checks {
            #expect(check["status"] as? String == "pass", "\(check)")
            #expect((check["name"] as? String)?.isEmpty == false && (check["kind"] as? String)?.isEmpty == false)
        }
        let kinds = Set(checks.compactMap { $0["kind"] as? String })
        #expect(kinds.count >= 3, "several kinds of checks ran: \(kinds)")

        // fetch pushed the source's counts; the warehouse holds exactly the snapshot.
        let counts = try #require(try state.queryOne(
            "SELECT value FROM xcom WHERE run_pk = ? AND task_id = 'fetch' AND key = 'counts'", [rows.runPk]))["value"].string
        let fetched = try #require(try JSONSerialization.jsonObject(with: Data((counts ?? "").utf8)) as? [String: Int])
        let users = try snapshotCount("users"), products = try snapshotCount("products"), carts = try snapshotCount("carts")
        #expect(fetched["users"] == users && fetched["products"] == products && fetched["carts"] == carts)
        #expect(try db.scalar("SELECT count(*) FROM gold.dim_customers") == String(users))
        #expect(try db.scalar("SELECT count(*) FROM gold.dim_products") == String(products))
        #expect(try db.scalar("SELECT count(*) FROM gold.fct_orders WHERE channel = 'cart'") == String(carts))
        #expect(try db.scalar("SELECT count(*) FROM gold.fct_orders WHERE channel <> 'cart'") == "0")
        #expect(try db.scalar("SELECT count(*) FROM quality.check_results WHERE run_id = '\(rows.runId)' AND status = 'pass'")
            == String(checks.count))

        // The load_bronze attempt log carries its BronzeLoadResult (what the benchmark reads).
        let bronze = try #require(rows.attempts(of: "load_bronze").first)
        let log = try String(contentsOfFile: bronze["log_path"].string ?? "", encoding: .utf8)
        #expect(log.contains("load_bronze: read "), "\(log)")
    }
}
