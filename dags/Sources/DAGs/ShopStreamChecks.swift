import Foundation
import OrchCore
import ShopStream

/// shopstream_daily's asset checks (issue 14): each runs right after the task that writes its table. An error check
/// that fails blocks the tasks that read the table (gold does not build on a silver table missing its keys); a warn
/// check is recorded and turns the asset's health to warning. The cross-table reconciliations stay in the
/// quality_checks task, which needs the landing and several layers at once.
enum ShopStreamChecks {
    /// Checks of `QualityCheck.shopStream`, by name, with the table each is on and its severity; they read the
    /// run's rows or, with param `checks` = `warehouse`, every row.
    static let all: [(name: String, table: String, severity: CheckVerdict.Severity)] = [
        ("silver.customers.email not null", "silver.customers", .error),
        ("silver.orders.customer_id not null", "silver.orders", .error),
        ("silver.events.event_type accepted", "silver.events", .warn),
        ("gold.fct_orders.order_id unique", "gold.fct_orders", .error),
        ("gold.fct_orders.channel accepted", "gold.fct_orders", .warn),
    ]

    /// The check named `name` of `QualityCheck.shopStream(reach)`.
    static func check(_ name: String, _ reach: CheckReach) throws -> QualityCheck {
        guard let check = QualityCheck.shopStream(reach).first(where: { $0.name == name }) else {
            throw ExampleError("no quality check named \(name)")
        }
        return check
    }

    static func declare(_ d: DAGBuilder) {
        for (name, table, severity) in all {
            let kind = (try? check(name, .interval))?.kindName ?? ""
            d.check(name, on: "postgres://warehouse/\(table)", severity: severity, doc: kind) { ctx in
                let reached = try check(name, try ShopStreamConfig.checkReach(ctx))
                let pg = try ShopStreamConfig(ctx).connect()
                defer { pg.close() }
                let r = try QualityRunner(connection: pg).measure(reached, start: ctx.dataInterval.start, end: ctx.dataInterval.end)
                return AssetCheckOutcome(passed: r.status == .pass, observed: .number(Double(r.observed) ?? 0),
                                         details: r.details)
            }
        }
    }
}
