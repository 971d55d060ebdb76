import Foundation
import OrchSQLite
import Testing

/// `orch run shopstream_daily` on real PostgreSQL records a materialization for every outlet of every task, with
/// the row counts the tasks report matching what the warehouse holds (issue 14).
@Suite(.serialized) struct ShopStreamAssetsCLITests {
    @Test func aRunMaterializesEveryOutletWithRowCounts() throws {
        let s = try OrchSandbox(); defer { s.cleanup() }
        let db = try ScratchDatabase(); defer { db.drop() }
        let source = try ServedSnapshot(s); defer { source.stop() }
        let conf = try String(decoding: JSONSerialization.data(withJSONObject: [
            "clickstream_events": 300, "source_url": source.url, "warehouse_dsn": db.dsn,
        ], options: [.sortedKeys]), as: UTF8.self)
        let r = try s.run("run", "shopstream_daily", "--logical-date", "2026-11-20", "--conf", conf)
        #expect(r.status == 0, "\(r.output)")

        let state = try s.database()
        let rows = try RunRows(state, dagId: "shopstream_daily")
        let events = try state.query("""
            SELECT a.uri, e.task_id, e.rows_written, e.metadata, e.interval_start FROM asset_event e
            JOIN asset a ON a.id = e.asset_id WHERE e.run_pk = ? ORDER BY a.uri
            """, [rows.runPk])
        let byURI = Dictionary(uniqueKeysWithValues: events.map { ($0["uri"].string ?? "", $0) })
        // Every outlet the DAG declares (the lineage written at sync) got exactly one materialization in this run.
        let outlets = try state.query("""
            SELECT a.uri FROM asset_reference r JOIN asset a ON a.id = r.asset_id
            WHERE r.dag_id = 'shopstream_daily' AND r.role = 'outlet' ORDER BY a.uri
            """).compactMap { $0["uri"].string }
        #expect(outlets.count >= 30, "\(outlets)")
        #expect(events.map { $0["uri"].string ?? "" } == outlets)
        #expect(events.allSatisfy { $0["interval_start"].double == 1_795_132_800 }, "the run's interval: 2026-11-20")

        func written(_ uri: String) -> Int? { byURI[uri]?["rows_written"].int }
        func count(_ table: String) throws -> Int? { Int(try db.scalar("SELECT count(*) FROM \(table)")) }
        #expect(written("postgres://warehouse/bronze.raw_events") == (try count("bronze.raw_events")))
        for table in ["customers", "products", "orders", "order_items", "events"] {
            // A fresh warehouse: every silver row was written by this run.
            #expect(written("postgres://warehouse/silver.\(table)") == (try count("silver.\(table)")), "\(table)")
        }
        #expect(written("postgres://warehouse/gold.fct_orders") == (try count("gold.fct_orders")))
        #expect(written("postgres://warehouse/gold.dim_customers") == (try count("gold.dim_customers")))
        #expect(written("postgres://warehouse/star.fact_clicks") == (try count("star.fact_clicks")))
        // Gold's tables are materialized by the gold task, the star's by the star task beside it.
        #expect(byURI["postgres://warehouse/gold.fct_orders"]?["task_id"].string == "gold")
        #expect(byURI["postgres://warehouse/star.fact_clicks"]?["task_id"].string == "star")
        #expect(byURI["postgres://warehouse/star.dim_user"]?["task_id"].string == "star")
        #expect((written("postgres://warehouse/bronze.raw_events") ?? 0) > 300)
        let silverCustomers = try #require(byURI["postgres://warehouse/silver.customers"]?["metadata"].string)
        #expect(silverCustomers.contains("\"rows_upserted\"") && silverCustomers.contains("\"quarantined\""), "\(silverCustomers)")
        // An outlet no report covers is still materialized, without rows.
        #expect(byURI["postgres://warehouse/gold.daily_funnel"] != nil && written("postgres://warehouse/gold.daily_funnel") == nil)
        // The reports were consumed: they are not left as XCom.
        #expect(try state.queryOne("SELECT count(*) AS n FROM xcom WHERE key LIKE 'orch.materialization:%'")?["n"].int == 0)
    }
}
