import Foundation
import OrchAPI
import OrchCore
import Testing

/// A malformed dashboard declaration is an import error with a clear message, never fatal for the rest.
@Suite("Insights import errors")
struct ImportErrorTests {
    static let read = AssetRead("gold.agg_orders_daily", producedBy: "shopstream_daily", "gold")

    static let broken = Dashboard("broken", title: "Broken", panels: [
        Panel("ok", title: "Fine", kind: .kpi, sql: "SELECT coalesce(sum(orders), 0) FROM gold.agg_orders_daily WHERE order_date >= $1 AND order_date < $2",
              reads: [read]),
        Panel("elsewhere", title: "Unknown connection", kind: .kpi, connection: "lake", sql: "SELECT 1", reads: [read]),
        Panel("typo", title: "SQL error", kind: .table, sql: "SELECT no_such_column FROM gold.agg_orders_daily", reads: [read]),
        Panel("writer", title: "Writes", kind: .table, sql: "DELETE FROM gold.agg_orders_daily", reads: [read]),
    ])
    static let good = Dashboard("good", title: "Good", panels: [
        Panel("orders", title: "Orders", kind: .kpi, sql: "SELECT count(*) FROM gold.agg_orders_daily WHERE order_date >= $1 AND order_date < $2",
              reads: [read]),
    ])

    static let expected = [
        "dashboard 'broken', panel 'elsewhere': unknown connection 'lake' (known: warehouse); set ORCH_CONN_LAKE or add it to ORCH_HOME/connections.json",
        "dashboard 'broken', panel 'writer': the query starts with DELETE; a panel may only read (SELECT, WITH … SELECT, VALUES, TABLE)",
    ]

    @Test("unknown connection, SQL error and a write are import errors; the good panels and dashboards still serve")
    func importErrors() throws {
        try InsightsDB.withWarehouse { db, url in
            try db.execute("INSERT INTO gold.agg_orders_daily (order_date, orders, revenue, cart_orders, web_orders, customers, units, gross_revenue, discount_amount, avg_order_value) VALUES ((now() AT TIME ZONE 'UTC')::date - 1, 3, 30.00, 3, 0, 2, 5, 33.00, 3.00, 10.00)")
            let app = try InsightsApp(dashboards: [Self.broken, Self.good], connections: ["warehouse": url])
            // At start the checks that need no database; PostgreSQL's plan of each query follows in the background
            // once the dashboards are first listed, and the SQL error joins them without anyone opening the dashboard.
            var list = try app.json("/insights")
            #expect((list["dashboards"] as? [[String: Any]])?.map { $0["id"] as? String } == ["broken", "good"])
            #expect(Array(((list["import_errors"] as? [[String: Any]]) ?? []).map(Self.describe).prefix(2)) == Self.expected)
            for _ in 0..<100 where (list["import_errors"] as? [Any])?.count != 3 {
                Thread.sleep(forTimeInterval: 0.05)
                list = try app.json("/insights")
            }
            #expect((list["import_errors"] as? [[String: Any]])?.map(Self.describe).last?
                .hasPrefix("dashboard 'broken', panel 'typo': PostgreSQL refused the query") == true)
            let dashboard = try app.json("/insights/broken")
            let errors = (dashboard["import_errors"] as? [[String: Any]])?.map(Self.describe) ?? []
            #expect(errors.count == 3)
            #expect(errors.contains { $0.hasPrefix("dashboard 'broken', panel 'typo': PostgreSQL refused the query: column \"no_such_column\" does not exist") })
            let panels = Dictionary(uniqueKeysWithValues: (dashboard["panels"] as? [[String: Any]] ?? []).map { ($0["id"] as! String, $0) })
            #expect(panels["ok"]?["problem"] == nil)
            #expect((panels["writer"]?["problem"] as? String)?.contains("may only read") == true)
            // A bad panel answers 422 with its problem; the fine one and the other dashboard answer 200.
            let typo = try app.get("/insights/broken/panels/typo?range=7d")
            #expect(typo.status == 422)
            #expect(typo.text.contains("no_such_column"))
            #expect(try app.get("/insights/broken/panels/writer?range=7d").status == 422)
            let ok = try app.json("/insights/broken/panels/ok?range=7d")
            #expect((ok["kpi"] as? [String: Any])?["value"] as? String == "3")
            let good = try app.json("/insights/good/panels/orders?range=7d")
            #expect((good["kpi"] as? [String: Any])?["value"] as? String == "1")
            // The table was not touched by the panel that tries to delete.
            #expect(try db.execute("SELECT count(*) FROM gold.agg_orders_daily").scalarInt() == 1)
        }
    }

    @Test("orch's own check lists the same problems, planning each query on PostgreSQL")
    func check() throws {
        try InsightsDB.withWarehouse { _, url in
            let configuration = InsightsConfiguration(
                dashboards: [Self.broken, Self.good],
                connections: try NamedConnections(environment: ["ORCH_CONN_WAREHOUSE": url]))
            #expect(InsightsCheck.staticProblems(configuration).map(\.description) == Self.expected)
            let all = InsightsCheck.allProblems(configuration)
            #expect(all.problems.count == 3)
            #expect(all.unreachable.isEmpty)
        }
    }

    static func describe(_ p: [String: Any]) -> String {
        DashboardProblem(dashboard: p["dashboard"] as? String ?? "", panel: p["panel"] as? String,
                         message: p["message"] as? String ?? "").description
    }
}
