import Foundation

/// A data-quality rule declared in Swift; `QualityRunner` turns it into parameterised SQL.
///
/// Table and column names are identifiers (checked against `[a-z_][a-z0-9_]*`, optionally schema-qualified)
/// because SQL cannot bind them; all values are bound parameters.
public struct QualityCheck: Sendable {
    public enum Kind: Sendable {
        /// No NULLs in `column`.
        case notNull(table: String, column: String)
        /// No two rows share the values of `columns`.
        case unique(table: String, columns: [String])
        /// Every non-NULL `column` value exists in `referencedTable.referencedColumn`.
        case relationships(table: String, column: String, referencedTable: String, referencedColumn: String)
        /// Every non-NULL `column` value is one of `values`.
        case acceptedValues(table: String, column: String, values: [String])
        /// Two tables have the same number of rows.
        case rowCountMatch(table: String, otherTable: String)
        /// For the data interval's days: per day, sum(`column`) of `table` equals sum(`otherColumn`) of `otherTable`
        /// (both grouped by their `dateColumn`), within `tolerance`.
        case sumReconciliation(table: String, column: String, otherTable: String, otherColumn: String,
                               dateColumn: String, tolerance: Double)
        /// The newest `column` value is at most `maxAgeSeconds` older than the run's reference time. With
        /// `newestBy`, the newest row is the one with the greatest `newestBy` (an indexed key that grows as rows
        /// arrive, such as a serial id), read by its index instead of reading every row for max(`column`).
        case freshness(table: String, column: String, maxAgeSeconds: Double, newestBy: String? = nil)
        /// Gold's cart orders of the data interval reconcile with the carts fetch landed for it (counts and sums).
        case landedCarts(Reconciliation.LandedCarts)
        /// Per day, each fact measure equals the sum of its aggregate column: on the data interval's days
        /// (`.interval`), on every day in either table (`.all`), or on the fact table's days and the interval's
        /// (`.factDaysAndInterval`).
        case dailyAgreement(fact: String, factDate: String, aggregate: String, aggregateDate: String,
                            pairs: [Reconciliation.Pair], days: Reconciliation.Days = .all)
    }

    /// The rows a not-null, unique, relationship or accepted-values check reads.
    public enum Rows: Sendable, Equatable {
        /// Every row of the table.
        case all
        /// The rows whose date `column` falls on the data interval's UTC days, found by that column's index: what
        /// the run wrote, not every day in the warehouse.
        case onIntervalDays(String)
    }

    public var name: String
    public var kind: Kind
    public var rows: Rows

    public init(_ name: String, _ kind: Kind, rows: Rows = .all) {
        self.name = name
        self.kind = kind
        self.rows = rows
    }

    public var kindName: String {
        switch kind {
        case .notNull: "not_null"
        case .unique: "unique"
        case .relationships: "relationships"
        case .acceptedValues: "accepted_values"
        case .rowCountMatch: "row_count"
        case .sumReconciliation: "sum_reconciliation"
        case .freshness: "freshness"
        case .landedCarts: "landed_reconciliation"
        case .dailyAgreement: "daily_agreement"
        }
    }
}

/// How much of the warehouse a run's checks read.
public enum CheckReach: String, Sendable, Equatable {
    /// The run's data interval: row checks read its days' rows, per-day agreements compare its days. A daily run's
    /// checks cost a day's rows however many days the warehouse holds.
    case interval
    /// Every row and every day in the warehouse: an audit (`shopstream_daily`'s param `checks` = `warehouse`), which
    /// also finds a day that changed after it was built.
    case warehouse
}

extension QualityCheck {
    /// The checks shopstream_daily runs after gold (besides `landedCartsReconcile`, which needs the run's landing),
    /// over the interval's rows and days or over the whole warehouse.
    public static func shopStream(_ reach: CheckReach) -> [QualityCheck] {
        func rows(_ dateColumn: String) -> Rows { reach == .interval ? .onIntervalDays(dateColumn) : .all }
        return [
            QualityCheck("silver.customers.email not null", .notNull(table: "silver.customers", column: "email")),
            QualityCheck("silver.orders.customer_id not null", .notNull(table: "silver.orders", column: "customer_id"),
                         rows: rows("order_date")),
            QualityCheck("gold.fct_orders.order_id unique", .unique(table: "gold.fct_orders", columns: ["order_id"]),
                         rows: rows("order_date")),
            QualityCheck("gold.fct_order_items (order_id, line_no) unique",
                         .unique(table: "gold.fct_order_items", columns: ["order_id", "line_no"]), rows: rows("order_date")),
            QualityCheck("gold.fct_orders.customer_id → dim_customers",
                         .relationships(table: "gold.fct_orders", column: "customer_id", referencedTable: "gold.dim_customers",
                                        referencedColumn: "customer_id"), rows: rows("order_date")),
            QualityCheck("gold.fct_order_items.product_id → dim_products",
                         .relationships(table: "gold.fct_order_items", column: "product_id", referencedTable: "gold.dim_products",
                                        referencedColumn: "product_id"), rows: rows("order_date")),
            QualityCheck("gold.fct_order_items.order_id → fct_orders",
                         .relationships(table: "gold.fct_order_items", column: "order_id", referencedTable: "gold.fct_orders",
                                        referencedColumn: "order_id"), rows: rows("order_date")),
            QualityCheck("gold.fct_orders.channel accepted",
                         .acceptedValues(table: "gold.fct_orders", column: "channel", values: ["cart", "web"]),
                         rows: rows("order_date")),
            QualityCheck("silver.events.event_type accepted",
                         .acceptedValues(table: "silver.events", column: "event_type",
                                         values: ["page_view", "add_to_cart", "checkout", "purchase", "post_published"]),
                         rows: rows("event_date")),
            QualityCheck("silver.customers = gold.dim_customers rows", .rowCountMatch(table: "silver.customers", otherTable: "gold.dim_customers")),
            QualityCheck("silver.products = gold.dim_products rows", .rowCountMatch(table: "silver.products", otherTable: "gold.dim_products")),
            QualityCheck("order-item line totals = order gross per day",
                         .sumReconciliation(table: "gold.fct_order_items", column: "line_total", otherTable: "gold.fct_orders",
                                            otherColumn: "gross_amount", dateColumn: "order_date", tolerance: 0.01)),
            QualityCheck("order-item discounted totals = order net per day",
                         .sumReconciliation(table: "gold.fct_order_items", column: "discounted_line_total", otherTable: "gold.fct_orders",
                                            otherColumn: "net_amount", dateColumn: "order_date", tolerance: 0.05)),
            QualityCheck("bronze.raw_events fresh", .freshness(table: "bronze.raw_events", column: "ingested_at", maxAgeSeconds: 2 * 86_400,
                                                                newestBy: "id")),
        ] + dailyAgreement(reach)
    }
}
