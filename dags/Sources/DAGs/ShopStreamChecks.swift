import Foundation
import OrchCore
import ShopStream

/// shopstream_daily's asset checks (issue 14): each runs right after the task that writes its table. An error check
/// that fails blocks the tasks that read the table (gold does not build on a silver table missing its keys); a warn
/// check is recorded and turns the asset's health to warning. The cross-table reconciliations stay in the
/// quality_checks task, which needs the landing and several layers at once.
enum ShopStreamChecks {
    static let all: [(QualityCheck, String, CheckVerdict.Severity)] = [
        (QualityCheck("silver.customers.email not null", .notNull(table: "silver.customers", column: "email")),
         "silver.customers", .error),
        (QualityCheck("silver.orders.customer_id not null", .notNull(table: "silver.orders", column: "customer_id")),
         "silver.orders", .error),
        (QualityCheck("silver.events.event_type accepted",
                      .acceptedValues(table: "silver.events", column: "event_type",
                                      values: ["page_view", "add_to_cart", "checkout", "purchase", "post_published"])),
         "silver.events", .warn),
        (QualityCheck("gold.fct_orders.order_id unique", .unique(table: "gold.fct_orders", columns: ["order_id"])),
         "gold.fct_orders", .error),
        (QualityCheck("gold.fct_orders.channel accepted",
                      .acceptedValues(table: "gold.fct_orders", column: "channel", values: ["cart", "web"])),
         "gold.fct_orders", .warn),
    ]

    static func declare(_ d: DAGBuilder) {
        for (check, table, severity) in all {
            d.check(check.name, on: "postgres://warehouse/\(table)", severity: severity, doc: check.kindName) { ctx in
                let pg = try ShopStreamConfig(ctx).connect()
                defer { pg.close() }
                let r = try QualityRunner(connection: pg).measure(check, start: ctx.dataInterval.start, end: ctx.dataInterval.end)
                return AssetCheckOutcome(passed: r.status == .pass, observed: .number(Double(r.observed) ?? 0),
                                         details: r.details)
            }
        }
    }
}
