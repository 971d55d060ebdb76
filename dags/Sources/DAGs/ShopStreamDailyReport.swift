import Foundation
import OrchCore
import OrchPostgres
import ShopStream

/// Scheduled on shopstream_daily's gold assets (data-aware scheduling, issue 14): a run each time gold.fct_orders and
/// gold.agg_orders_daily both have a new materialization, for the day they were built for. Writes a CSV summary of
/// that day (orders, customers, units and revenue per channel, then the day's totals) to `ORCH_HOME/data/reports/shopstream_<day>.csv`.
/// Reads the warehouse like shopstream_daily (param `warehouse_dsn`, else `ORCH_WAREHOUSE_DSN`, else PG*).
let shopstreamDailyReport = DAG(
    "shopstream_daily_report",
    description: "CSV summary of each day shopstream_daily builds, run when its gold tables are materialized",
    tags: ["shopstream", "report"], owner: "data-team",
    environment: ["ORCH_WAREHOUSE_DSN", "PG*"],
    defaults: TaskDefaults(retries: 1, retryDelay: 5, executionTimeout: 300)
) { d in
    let gold = [ShopStreamLineage.goldURI("fct_orders"), ShopStreamLineage.goldURI("agg_orders_daily")]
    d.schedule(on: .allOf(gold))
    d.task("write_summary", doc: "One CSV line per channel of the day (gold.fct_orders), then its totals (gold.agg_orders_daily)",
           inlets: gold, outlets: [ShopStreamReport.asset]) { ctx in
        let config = ShopStreamConfig(ctx)
        let day = try config.day(ctx)
        let pg = try config.connect()
        defer { pg.close() }
        // One line per channel from the facts, then the day's totals from the daily aggregate.
        let result = try pg.execute("""
            SELECT * FROM (
                SELECT channel, count(*)::text, count(DISTINCT customer_id)::text, sum(quantity)::text,
                       sum(gross_amount)::text, sum(total_amount)::text, round(avg(total_amount), 2)::text
                FROM gold.fct_orders WHERE order_date = $1::date GROUP BY channel ORDER BY channel) per_channel
            UNION ALL
            SELECT 'all', orders::text, customers::text, units::text, gross_revenue::text, revenue::text,
                   avg_order_value::text
            FROM gold.agg_orders_daily WHERE order_date = $1::date
            """, [day])
        let lines = ShopStreamReport.csv(day: day, rows: result.rows.map { $0.map { $0 ?? "" } })
        let folder = ctx.home + "/data/reports"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let path = folder + "/shopstream_\(day).csv"
        try Data(lines.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        ctx.log("wrote \(result.rows.count) channel line(s) for \(day) to \(path)")
        try ctx.materialize(ShopStreamReport.asset, AssetMaterialization(rowCount: result.rows.count,
                                                                         extra: ["path": .string(path), "day": .string(day)]))
    }
}

enum ShopStreamReport {
    static let asset = "file://shopstream/reports/daily_summary"
    static let header = ["day", "channel", "orders", "customers", "units", "gross_revenue", "net_revenue", "avg_order_value"]

    /// The CSV text: a header, then one line per row (`day` first). Fields with a comma or quote are quoted.
    static func csv(day: String, rows: [[String]]) -> String {
        func field(_ s: String) -> String {
            s.contains(where: { ",\"\n".contains($0) }) ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
        }
        return ([header] + rows.map { [day] + $0 }).map { $0.map(field).joined(separator: ",") }.joined(separator: "\n") + "\n"
    }
}
