@testable import orch_dags
import Foundation
import OrchCore
import OrchHTTPClient
import OrchPostgres
import ShopStream
import ShopStreamSourceServer
import Testing

/// The ShopStream dashboard's numbers equal the same figures computed by SQL over gold's facts, to the cent.
///
/// Three days go through the real pipeline (the bundled DummyJSON snapshot served on loopback, fetch, produce,
/// bronze, silver, gold); a real orch server serves the dashboard declared in dags/; each KPI (and its previous
/// period) and a sample of chart points is compared with SQL written here against the fact tables, not the
/// aggregates the panels read.
@Suite("ShopStream dashboard reconciles with gold", .serialized)
struct ReconciliationTests {
    static let days = ["2026-11-01", "2026-11-02", "2026-11-03"]

    static func buildGold(url: String) throws {
        let server = try DummyJSONServer(fixturesDirectory: repository + "/fixtures/dummyjson")
        try server.start()
        defer { server.stop() }
        let dataDir = NSTemporaryDirectory() + "orch-insights-data-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dataDir) }
        let log = try SegmentEventLog(directory: dataDir + "/eventlog")
        let rates = try FXRates(contentsOf: repository + "/fixtures/ecb/eurofxref.csv")
        let pg = try PGConnection(conninfo: url)
        defer { pg.close() }
        for day in days {
            let fetcher = SourceFetcher(configuration: FetchConfiguration(baseURL: server.baseURL))
            let fetched = try SourceIngest.fetch(fetcher: fetcher, dataDir: dataDir, date: day)
            _ = try ShopStreamProducer.produce(fetched: fetched, log: log, dataDir: dataDir, date: day,
                                               clickstreamEvents: 3_000, fxRates: rates)
            _ = try BronzeLoader(connection: pg, log: log).load(consumer: "shopstream")
            _ = try SilverBuilder(connection: pg).build()
            let start = try ISODate.parse(day + "T00:00:00Z")
            _ = try GoldBuilder(connection: pg).build(start: start, end: start.addingTimeInterval(86_400))
        }
    }

    /// One decimal figure from SQL over gold.
    static func figure(_ db: PGConnection, _ sql: String, _ a: String, _ b: String) throws -> Decimal? {
        try db.execute(sql, [a, b]).string(0, 0).flatMap { Decimal(string: $0) }
    }

    static func decimal(_ any: Any?) -> Decimal? { (any as? String).flatMap { Decimal(string: $0) } }

    @Test("KPIs, their previous period and chart points equal SQL over gold, to the cent")
    func reconcile() throws {
        try InsightsDB.withWarehouse { db, url in
            try Self.buildGold(url: url)
            let dashboard = try #require(DashboardRegistry.all.first { $0.id == "shopstream" })
            let app = try InsightsApp(dashboards: [dashboard], connections: ["warehouse": url])
            #expect(try app.json("/insights")["import_errors"] as? [Any] == nil
                    || (try app.json("/insights")["import_errors"] as? [Any])?.isEmpty == true)
            let (first, last) = ("2026-11-02", "2026-11-03")
            let q = "?start=\(first)&end=\(last)"
            func panel(_ id: String) throws -> [String: Any] {
                let body = try app.json("/insights/shopstream/panels/\(id)" + q)
                #expect(body["rows"] != nil, "panel \(id): \(body)")
                return body
            }
            func kpi(_ id: String) throws -> (Decimal?, Decimal?) {
                let k = try panel(id)["kpi"] as? [String: Any]
                return (Self.decimal(k?["value"]), Self.decimal(k?["previous"]))
            }
            let inRange = "FROM gold.fct_orders WHERE order_date >= $1::date AND order_date <= $2::date"
            // The previous period of 11-02..11-03 is 10-31..11-01.
            for (id, sql) in [("revenue", "SELECT sum(total_amount) " + inRange),
                              ("orders", "SELECT count(*) " + inRange),
                              ("aov", "SELECT round(sum(total_amount) / count(*), 2) " + inRange)] {
                let (value, previous) = try kpi(id)
                let expected = try Self.figure(db, sql, first, last)
                #expect(value != nil && value == expected, "\(id): dashboard \(String(describing: value)) vs gold \(String(describing: expected))")
                #expect(previous == (try Self.figure(db, sql, "2026-10-31", "2026-11-01")), "\(id) previous period")
            }
            let (conversion, _) = try kpi("conversion")
            #expect(conversion == (try Self.figure(db, """
                SELECT round(count(*) FILTER (WHERE purchases > 0)::numeric / count(*) FILTER (WHERE page_views > 0), 4)
                FROM gold.sessions WHERE session_date >= $1::date AND session_date <= $2::date
                """, first, last)))

            // Daily sales: every point of the range.
            let trend = try panel("sales_trend")["rows"] as? [[String?]] ?? []
            let factsByDay = try db.execute("""
                SELECT order_date::text, sum(total_amount), sum(gross_amount) \(inRange) GROUP BY 1 ORDER BY 1
                """, [first, last]).rows
            #expect(trend.count == 2)
            #expect(trend.map { $0.map { $0.flatMap { Decimal(string: $0) } } }.map { Array($0.dropFirst()) }
                    == factsByDay.map { $0.dropFirst().map { $0.flatMap { Decimal(string: $0) } } })
            #expect(trend.map { $0[0] } == factsByDay.map { $0[0] })

            // Revenue by category and top products: the first five bars.
            let categories = try panel("revenue_by_category")["rows"] as? [[String?]] ?? []
            let categoryFacts = try db.execute("""
                SELECT coalesce(p.category, 'unknown'), sum(i.discounted_line_total) FROM gold.fct_order_items i
                LEFT JOIN gold.dim_products p USING (product_id) WHERE i.order_date >= $1::date AND i.order_date <= $2::date
                GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 5
                """, [first, last]).rows
            #expect(!categoryFacts.isEmpty)
            #expect(categories.prefix(5).map { [$0[0], $0[1].flatMap { Decimal(string: $0) }.map { "\($0)" }] }
                    == categoryFacts.map { [$0[0], $0[1].flatMap { Decimal(string: $0) }.map { "\($0)" }] })
            let products = try panel("top_products")["rows"] as? [[String?]] ?? []
            let productFacts = try db.execute("""
                SELECT p.title, sum(i.discounted_line_total) FROM gold.fct_order_items i JOIN gold.dim_products p USING (product_id)
                WHERE i.order_date >= $1::date AND i.order_date <= $2::date GROUP BY p.product_id, p.title ORDER BY 2 DESC, p.product_id LIMIT 5
                """, [first, last]).rows
            #expect(products.prefix(5).map { [$0[0], $0[1].flatMap { Decimal(string: $0) }.map { "\($0)" }] }
                    == productFacts.map { [$0[0], $0[1].flatMap { Decimal(string: $0) }.map { "\($0)" }] })

            // Top customer, funnel steps, page views per day.
            let customers = try panel("top_customers")["rows"] as? [[String?]] ?? []
            let topFact = try db.execute("""
                SELECT c.full_name, count(*), sum(o.total_amount) FROM gold.fct_orders o JOIN gold.dim_customers c USING (customer_id)
                WHERE o.order_date >= $1::date AND o.order_date <= $2::date GROUP BY o.customer_id, c.full_name
                ORDER BY 3 DESC, o.customer_id LIMIT 1
                """, [first, last]).rows
            #expect(customers.first.map { [$0[0], $0[2], $0[3].flatMap { Decimal(string: $0) }.map { "\($0)" }] }
                    == topFact.first.map { [$0[0], $0[1], $0[2].flatMap { Decimal(string: $0) }.map { "\($0)" }] })
            let funnel = try panel("funnel")["rows"] as? [[String?]] ?? []
            let sessionFacts = try db.execute("""
                SELECT count(*) FILTER (WHERE page_views > 0), count(*) FILTER (WHERE add_to_carts > 0),
                       count(*) FILTER (WHERE checkouts > 0), count(*) FILTER (WHERE purchases > 0)
                FROM gold.sessions WHERE session_date >= $1::date AND session_date <= $2::date
                """, [first, last]).rows[0]
            #expect(funnel.map { $0[0] } == ["view", "cart", "checkout", "purchase"])
            #expect(funnel.map { $0[1] } == sessionFacts)
            let events = try panel("events_by_type")["rows"] as? [[String?]] ?? []
            let pageViews = try db.execute("""
                SELECT session_date::text, sum(page_views)::text FROM gold.sessions
                WHERE session_date >= $1::date AND session_date <= $2::date GROUP BY 1 ORDER BY 1
                """, [first, last]).rows
            #expect(events.filter { $0[1] == "page_view" }.map { [$0[0], $0[2]] } == pageViews)
        }
    }
}
