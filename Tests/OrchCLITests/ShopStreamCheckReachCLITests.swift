import Foundation
import OrchSQLite
import Testing

/// shopstream_daily's param `checks`: the default reads the run's rows and days; `warehouse` audits every row and
/// day; anything else is refused with the param's name and its two values (the real binary, snapshot and database).
@Suite(.serialized) struct ShopStreamCheckReachCLITests {
    func conf(_ source: ServedSnapshot, _ db: ScratchDatabase, checks: String) throws -> String {
        try String(decoding: JSONSerialization.data(withJSONObject: [
            "clickstream_events": 0, "source_url": source.url, "warehouse_dsn": db.dsn, "checks": checks,
        ], options: [.sortedKeys]), as: UTF8.self)
    }

    func log(_ rows: RunRows, _ task: String) throws -> String {
        let path = try #require(rows.attempts(of: task).last?["log_path"].string, "\(task) has an attempt")
        return try String(contentsOfFile: path, encoding: .utf8)
    }

    @Test("checks = warehouse audits every day; the default checks the run's days")
    func warehouseAudit() throws {
        let s = try OrchSandbox(); defer { s.cleanup() }
        let db = try ScratchDatabase(); defer { db.drop() }
        let source = try ServedSnapshot(s); defer { source.stop() }

        for (day, checks) in [("2026-11-20", "interval"), ("2026-11-21", "warehouse")] {
            let r = try s.run("run", "shopstream_daily", "--logical-date", day, "--conf", try conf(source, db, checks: checks))
            #expect(r.status == 0, "\(r.output)")
            let rows = try RunRows(try s.database(), dagId: "shopstream_daily")
            #expect(rows.state == "success")
            #expect(try log(rows, "quality_checks").contains("quality checks passed (\(checks))"))
            // The five asset checks after silver and gold (looked up by name in QualityCheck.shopStream) passed.
            let assetChecks = try s.database().query("SELECT check_name, passed FROM asset_check_result WHERE run_pk = ?", [rows.runPk])
            #expect(Set(assetChecks.compactMap { $0["check_name"].string }) == [
                "silver.customers.email not null", "silver.orders.customer_id not null", "silver.events.event_type accepted",
                "gold.fct_orders.order_id unique", "gold.fct_orders.channel accepted"])
            #expect(assetChecks.count == 5 && assetChecks.allSatisfy { $0["passed"].int == 1 }, "\(assetChecks)")
            let looked = checks == "warehouse" ? "on every day" : "on the run's days"
            #expect(try db.scalar("""
                SELECT count(*) FROM quality.check_results WHERE run_id = '\(rows.runId)' AND check_kind = 'daily_agreement'
                AND details LIKE '%\(looked.replacingOccurrences(of: "'", with: "''"))%'
                """) == "6", "\(checks): the five gold agreements and the star's")
        }
    }

    @Test("a checks value other than interval or warehouse fails the run at fetch, naming the param")
    func badValue() throws {
        let s = try OrchSandbox(); defer { s.cleanup() }
        let db = try ScratchDatabase(); defer { db.drop() }
        let source = try ServedSnapshot(s); defer { source.stop() }

        let r = try s.run("run", "shopstream_daily", "--logical-date", "2026-11-20", "--conf", try conf(source, db, checks: "all"))
        #expect(r.status != 0, "\(r.output)")
        let rows = try RunRows(try s.database(), dagId: "shopstream_daily")
        #expect(rows.state == "failed")
        // fetch, the first task, refuses it (on every try), so nothing after it runs.
        #expect(rows.tasks["fetch"] == "failed" && rows.tasks["load_bronze"] != "success")
        #expect(try log(rows, "fetch").contains(#"param checks must be "interval" or "warehouse", got "all""#))
    }
}
