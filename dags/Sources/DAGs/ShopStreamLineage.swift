import OrchCore
import ShopStream

/// The assets shopstream_daily reads and writes (issue 14), by layer: source API → landing → event-log topics →
/// bronze → silver → gold and star, and what each task reports about them when it succeeds.
enum ShopStreamLineage {
    static let sources = ["users", "products", "carts", "posts"].map { "dummyjson://source/\($0)" }
    static let landing = "file://shopstream/landing"
    static let topicNames = ["customers", "products", "orders", "events"]
    static let topics = topicNames.map { "eventlog://shopstream/\($0)" }
    static let bronze = "postgres://warehouse/bronze.raw_events"
    static let silverTables = ["customers", "products", "orders", "order_items", "events"]
    static let silver = silverTables.map { "postgres://warehouse/silver.\($0)" }
    static let goldTables = ["dim_customers", "dim_products", "dim_date", "fct_orders", "fct_order_items",
                             "agg_orders_daily", "agg_events_daily", "daily_funnel", "customer_ltv",
                             "product_performance", "revenue_by_category", "sessions", "agg_customer_daily",
                             "product_performance_monthly", "agg_customer_monthly"]
    static let gold = goldTables.map(goldURI)
    static let star = ["fx_rate", "dim_currency", "dim_user", "dim_product", "dim_time", "fact_clicks", "fact_cart",
                       "fact_orders"].map { "postgres://warehouse/star.\($0)" }
    static let checkResults = "postgres://warehouse/quality.check_results"

    static func goldURI(_ table: String) -> String { "postgres://warehouse/gold.\(table)" }

    static func reportFetch(_ ctx: TaskContext, counts: [String: Int]) throws {
        try ctx.materialize(landing, AssetMaterialization(
            rowsInserted: counts.values.reduce(0, +), extra: counts.mapValues { .number(Double($0)) }))
    }

    static func reportProduce(_ ctx: TaskContext, _ result: ProduceResult) throws {
        for name in topicNames {
            try ctx.materialize("eventlog://shopstream/\(name)", AssetMaterialization(
                rowsInserted: result.alreadyProduced ? 0 : (result.topics[name] ?? 0),
                extra: ["already_produced": .bool(result.alreadyProduced), "date": .string(result.date)]))
        }
    }

    static func reportBronze(_ ctx: TaskContext, _ result: BronzeLoadResult) throws {
        try ctx.materialize(bronze, AssetMaterialization(
            rowsInserted: result.loaded,
            extra: ["read": .number(Double(result.read)), "dead_letters": .number(Double(result.deadLetters)),
                    "skipped_duplicates": .number(Double(result.skippedDuplicates))]))
    }

    static func reportSilver(_ ctx: TaskContext, _ result: SilverBuildResult) throws {
        let tables: [(String, SilverTableResult)] = [("customers", result.customers), ("products", result.products),
                                                     ("orders", result.orders), ("events", result.events)]
        for (name, t) in tables {
            try ctx.materialize("postgres://warehouse/silver.\(name)", AssetMaterialization(
                rowsUpserted: t.upserted,
                extra: ["scanned": .number(Double(t.scanned)), "quarantined": .number(Double(t.quarantined))]))
        }
        // The lines of every changed order are deleted and written again.
        try ctx.materialize("postgres://warehouse/silver.order_items", AssetMaterialization(rowsInserted: result.orderItems))
    }

    static func reportGold(_ ctx: TaskContext, _ g: GoldBuildResult) throws {
        try ctx.materialize(goldURI("fct_orders"), AssetMaterialization(
            rowCount: g.orders, extra: ["gross_revenue": .string("\(g.grossRevenue)"), "net_revenue": .string("\(g.netRevenue)")]))
        try ctx.materialize(goldURI("fct_order_items"), AssetMaterialization(rowCount: g.orderItems))
        try ctx.materialize(goldURI("dim_customers"), AssetMaterialization(rowCount: g.customers))
        try ctx.materialize(goldURI("dim_products"), AssetMaterialization(rowCount: g.products))
        try ctx.materialize(goldURI("sessions"), AssetMaterialization(rowCount: g.sessions))
    }

    static func reportStar(_ ctx: TaskContext, _ s: StarBuildResult) throws {
        try ctx.materialize("postgres://warehouse/star.fact_clicks", AssetMaterialization(rowCount: s.clicks))
        try ctx.materialize("postgres://warehouse/star.fact_cart", AssetMaterialization(rowCount: s.cartAdds))
        try ctx.materialize("postgres://warehouse/star.fact_orders", AssetMaterialization(rowCount: s.orders))
    }
}
