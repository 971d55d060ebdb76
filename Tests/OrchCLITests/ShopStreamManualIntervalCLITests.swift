import Foundation
import OrchSQLite
import Testing

/// `orch run shopstream_daily` as a user runs it: triggered now (whatever the hour, so almost never at midnight), it
/// covers the last complete UTC day and gold holds exactly the snapshot's carts for it; `--logical-date` at 12:46
/// covers the day containing it; a second manual run of the same interval changes no silver or gold row.
@Suite(.serialized) struct ShopStreamManualIntervalCLITests {
    static let orders = "208", lines = "800", paid = "3456709.58", gross = "3834278.63"

    /// Gold's cart orders, lines, paid and gross inside `[start, end)` (ISO-8601 instants).
    func gold(_ db: ScratchDatabase, _ start: String, _ end: String) throws -> [String] {
        try db.scalar("""
            SELECT count(*) || '|' || (SELECT count(*) FROM gold.fct_order_items i JOIN gold.fct_orders f USING (order_id)
                                        WHERE f.order_ts >= '\(start)' AND f.order_ts < '\(end)')
                   || '|' || coalesce(sum(total_amount), 0) || '|' || coalesce(sum(gross_amount), 0)
            FROM gold.fct_orders WHERE order_ts >= '\(start)' AND order_ts < '\(end)'
            """).split(separator: "|").map(String.init)
    }

    /// Every silver and gold row, hashed per table.
    func fingerprint(_ db: ScratchDatabase) throws -> String {
        let tables = try db.scalar("""
            SELECT string_agg(table_schema || '.' || table_name, ' ' ORDER BY 1) FROM information_schema.tables
            WHERE table_schema IN ('silver', 'gold') AND table_type = 'BASE TABLE'
            """).split(separator: " ")
        return try tables.map { t in
            "\(t)=" + (try db.scalar("SELECT count(*) || ':' || coalesce(md5(string_agg(x::text, '|' ORDER BY x::text)), '') FROM \(t) x"))
        }.joined(separator: "\n")
    }

    /// The latest run's logical date and data interval from the state database, as ISO-8601 text.
    func interval(_ s: OrchSandbox) throws -> (logical: Double, start: Double, end: Double, runId: String) {
        let row = try #require(try s.database().queryOne(
            "SELECT run_id, logical_date, interval_start, interval_end FROM dag_run WHERE dag_id = 'shopstream_daily' ORDER BY id DESC LIMIT 1"))
        return (row["logical_date"].double ?? 0, row["interval_start"].double ?? 0, row["interval_end"].double ?? 0,
                row["run_id"].string ?? "")
    }

    func iso(_ t: Double) -> String {
        let f = ISO8601DateFormatter()
        return f.string(from: Date(timeIntervalSince1970: t))
    }

    @Test func manualRunNowAndByLogicalDateGiveTheWholeDayAndRerunChangesNothing() throws {
        let s = try OrchSandbox(); defer { s.cleanup() }
        let db = try ScratchDatabase(); defer { db.drop() }
        let source = try ServedSnapshot(s); defer { source.stop() }
        let conf = try String(decoding: JSONSerialization.data(withJSONObject: [
            "clickstream_events": 0, "source_url": source.url, "warehouse_dsn": db.dsn,
        ], options: [.sortedKeys]), as: UTF8.self)

        // 1. Triggered now, no logical date: the last complete UTC day before the trigger time.
        let first = try s.run("run", "shopstream_daily", "--conf", conf)
        #expect(first.status == 0, "\(first.output)")
        let a = try interval(s)
        let dayStart = (a.logical / 86_400).rounded(.down) * 86_400
        #expect(a.start == dayStart - 86_400 && a.end == dayStart, "triggered at \(iso(a.logical)): \(iso(a.start))..\(iso(a.end))")
        #expect(a.runId.hasPrefix("manual__"))
        #expect(try gold(db, iso(a.start), iso(a.end)) == [Self.orders, Self.lines, Self.paid, Self.gross],
                "triggered at \(iso(a.logical))")
        let before = try fingerprint(db)

        // 2. A second manual run of the same interval: its own run id, nothing in silver or gold changes.
        let second = try s.run("run", "shopstream_daily", "--conf", conf)
        #expect(second.status == 0, "\(second.output)")
        let b = try interval(s)
        #expect(b.runId != a.runId)
        #expect(b.start == a.start && b.end == a.end)
        #expect(try fingerprint(db) == before)
        #expect(try db.scalar("SELECT count(DISTINCT run_id) FROM quality.check_results WHERE status = 'fail'") == "0")

        // 3. --logical-date at 12:46 on a day: that day, whole.
        let third = try s.run("run", "shopstream_daily", "--logical-date", "2026-11-01T12:46:00Z", "--conf", conf)
        #expect(third.status == 0, "\(third.output)")
        let c = try interval(s)
        #expect(iso(c.start) == "2026-11-01T00:00:00Z" && iso(c.end) == "2026-11-02T00:00:00Z")
        #expect(try gold(db, "2026-11-01T00:00:00Z", "2026-11-02T00:00:00Z") == [Self.orders, Self.lines, Self.paid, Self.gross])
        // The earlier day is untouched by it.
        #expect(try gold(db, iso(a.start), iso(a.end)) == [Self.orders, Self.lines, Self.paid, Self.gross])
    }
}
