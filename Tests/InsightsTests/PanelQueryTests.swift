import Foundation
import OrchCore
import OrchPostgres
import Testing
@testable import OrchAPI

/// Panel queries on real PostgreSQL through a real orch server: the range as parameters, the row limit, the
/// timeout cutting one panel while the others answer, CSV, and no connection string in any answer.
@Suite("Insights panel queries")
struct PanelQueryTests {
    static let read = AssetRead("gold.agg_orders_daily", producedBy: "shopstream_daily", "gold")

    static let dashboard = Dashboard("probe", title: "Probe", panels: [
        Panel("range", title: "Range", kind: .table, sql: "SELECT $1::date AS first_day, $2::date AS day_after;", reads: [read]),
        Panel("many", title: "Many rows", kind: .table, sql: "SELECT g AS n, 'row ' || g AS label FROM generate_series(1, 50) g ORDER BY g",
              reads: [read]),
        Panel("slow", title: "Slow", kind: .kpi, sql: "SELECT 1 FROM pg_sleep(5)", reads: [read]),
        Panel("csv", title: "CSV", kind: .table, sql: "SELECT 'a,b' AS text, '=1+2' AS formula, -12.50 AS amount, NULL AS nothing",
              reads: [read]),
    ])

    @Test("the range reaches the query as $1 (first day) and $2 (the day after the last)")
    func rangeParameters() throws {
        try InsightsDB.withWarehouse { _, url in
            let app = try InsightsApp(dashboards: [Self.dashboard], connections: ["warehouse": url])
            let body = try app.json("/insights/probe/panels/range?start=2026-02-27&end=2026-03-01")
            #expect(body["rows"] as? [[String?]] == [["2026-02-27", "2026-03-02"]])
            #expect((body["range"] as? [String: Any])?["days"] as? Int == 3)
            let bad = try app.get("/insights/probe/panels/range?start=2026-03-01")
            #expect(bad.status == 400)
            #expect(bad.text.contains("a custom range needs both start and end"))
        }
    }

    @Test("at most row_limit rows, and the answer says more existed")
    func rowLimit() throws {
        try InsightsDB.withWarehouse { _, url in
            let app = try InsightsApp(dashboards: [Self.dashboard], connections: ["warehouse": url], rowLimit: 10)
            let body = try app.json("/insights/probe/panels/many?range=7d")
            let rows = body["rows"] as? [[String?]] ?? []
            #expect(rows.count == 10)
            #expect(rows.first == ["1", "row 1"])
            #expect(body["truncated"] as? Bool == true)
        }
    }

    @Test("a slow query is cut at its timeout with the panel saying so; the other panels answer")
    func timeout() throws {
        try InsightsDB.withWarehouse { _, url in
            let app = try InsightsApp(dashboards: [Self.dashboard], connections: ["warehouse": url], timeoutMs: 300)
            let slow = try app.get("/insights/probe/panels/slow?range=30d")
            #expect(slow.status == 504)
            #expect(slow.text.contains("\"kind\":\"timeout\""))
            #expect(slow.text.contains("stopped at its timeout of 300 ms"))
            #expect(slow.durationSeconds < 4.5, "cut at 300 ms, not after pg_sleep's 5 s")
            let fast = try app.get("/insights/probe/panels/range?range=30d")
            #expect(fast.status == 200)
            #expect(try app.get("/insights/probe").status == 200)
        }
    }

    @Test("CSV: header, quoted fields, formulas defused, numbers kept, a file name with the range")
    func csv() throws {
        try InsightsDB.withWarehouse { _, url in
            let app = try InsightsApp(dashboards: [Self.dashboard], connections: ["warehouse": url])
            let response = try app.get("/insights/probe/panels/csv?start=2026-11-01&end=2026-11-07&format=csv")
            #expect(response.status == 200)
            #expect(response.header("Content-Type") == "text/csv; charset=utf-8")
            #expect(response.header("Content-Disposition") == "attachment; filename=\"probe-csv-2026-11-01-2026-11-07.csv\"")
            #expect(response.text == "text,formula,amount,nothing\r\n\"a,b\",'=1+2,-12.50,\r\n")
        }
    }

    @Test("no answer carries the connection string or its password")
    func noSecrets() throws {
        try InsightsDB.withWarehouse { _, url in
            let app = try InsightsApp(dashboards: [Self.dashboard], connections: ["warehouse": url])
            let password = URLComponents(string: url)?.password ?? "orch"
            for path in ["/insights", "/insights/probe", "/insights/probe/panels/range?range=7d"] {
                let text = try app.get(path).text
                #expect(!text.contains(url))
                #expect(!text.contains(":\(password)@"))
            }
            let dashboard = try app.json("/insights/probe")
            let panels = dashboard["panels"] as? [[String: Any]] ?? []
            #expect(panels.first?["connection"] as? String == "warehouse")
        }
    }

    @Test("PostgreSQL itself refuses writes the text check would miss (read-only transaction, cursor)", arguments: [
        "WITH d AS (DELETE FROM probe RETURNING *) SELECT * FROM d",
        "SELECT nextval('probe_seq')",
        "SELECT * FROM probe FOR UPDATE",
    ])
    func readOnlyInDatabase(sql: String) throws {
        try InsightsDB.withWarehouse { db, url in
            try db.executeScript("CREATE TABLE probe (n int); INSERT INTO probe VALUES (1), (2); CREATE SEQUENCE probe_seq")
            let runner = PanelQueryRunner(pool: ConnectionPool(), statementTimeoutMs: 2_000, rowLimit: 10)
            let range = try DateRange.preset("7d", today: "2026-11-30")
            #expect(throws: PanelQueryError.self) {
                try runner.run(sql: sql, parameters: [], url: url, range: range)
            }
            #expect(try db.execute("SELECT count(*) FROM probe").scalarInt() == 2)
            #expect(try db.execute("SELECT last_value FROM probe_seq").string(0, 0) == "1")
            #expect(try db.execute("SELECT is_called FROM probe_seq").bool(0, 0) == false)
        }
    }
}
