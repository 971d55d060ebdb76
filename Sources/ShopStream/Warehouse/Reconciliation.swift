import Foundation

/// Reconciliation rules: gold against what fetch landed for the interval, and facts against the aggregates built
/// from them per day (the interval's days, or every day in the warehouse). `QualityRunner` evaluates them like any
/// other check.
public enum Reconciliation {
    /// A per-day measure of a fact table.
    public enum Measure: Sendable {
        /// Rows per day.
        case count
        /// Sum of a column per day.
        case sum(String)
    }

    /// One measure compared per day: `fact` over the fact table against the sum of `aggregateColumn`.
    public struct Pair: Sendable {
        public var fact: Measure
        public var aggregateColumn: String
        public init(_ fact: Measure, _ aggregateColumn: String) {
            self.fact = fact
            self.aggregateColumn = aggregateColumn
        }
    }

    /// Which days a daily agreement looks at.
    public enum Days: Sendable, Equatable {
        /// The data interval's days, read by the tables' date indexes.
        case interval
        /// Every day in either table.
        case all
        /// The fact table's days and the data interval's (days built before the fact table existed are skipped).
        case factDaysAndInterval
    }

    /// The carts fetch landed for the interval, as one JSON array (the landing's records verbatim).
    public struct LandedCarts: Sendable {
        public var json: String
        public init(json: String) { self.json = json }

        /// The cart records of a landing, joined into a JSON array.
        public init(_ fetched: FetchResult) {
            let parts = fetched.records(.carts).map { String(decoding: $0.json, as: UTF8.self) }
            json = "[" + parts.joined(separator: ",") + "]"
        }
    }

    /// Per measure: the landed value and gold's for the interval (cart channel), as text; `$1`/`$2` the interval,
    /// `$3` the landed carts. Sums are numeric, so equality is to the cent.
    static let landedCartsSQL = """
        WITH landed AS (
            SELECT count(*)::numeric AS orders, coalesce(sum(jsonb_array_length(c->'products')), 0)::numeric AS lines,
                   coalesce(sum((c->>'discountedTotal')::numeric), 0) AS paid, coalesce(sum((c->>'total')::numeric), 0) AS gross
            FROM jsonb_array_elements($3::jsonb) c),
        gold AS (
            SELECT count(*)::numeric AS orders,
                   (SELECT count(*) FROM gold.fct_order_items i JOIN gold.fct_orders o USING (order_id)
                    WHERE o.channel = 'cart' AND \(GoldSQL.ordersPlaced("o")))::numeric AS lines,
                   coalesce(sum(total_amount), 0) AS paid, coalesce(sum(gross_amount), 0) AS gross
            FROM gold.fct_orders o WHERE o.channel = 'cart' AND \(GoldSQL.ordersPlaced("o")))
        SELECT m.name, m.landed::text, m.gold::text
        FROM landed, gold, LATERAL (VALUES ('orders', landed.orders, gold.orders), ('lines', landed.lines, gold.lines),
                                           ('paid', landed.paid, gold.paid), ('gross', landed.gross, gold.gross))
             AS m(name, landed, gold)
        ORDER BY 1
        """
}

extension QualityCheck {
    /// Gold's cart orders inside the run's data interval reconcile with the carts fetch landed for it: order count,
    /// line count, paid (`discountedTotal`) and gross (`total`) sums, to the cent.
    public static func landedCartsReconcile(_ landed: Reconciliation.LandedCarts) -> QualityCheck {
        QualityCheck("gold cart orders of the interval = carts fetched for it", .landedCarts(landed))
    }

    /// Facts and the aggregates built from them agree per day: on the interval's days, or on every day in the
    /// warehouse.
    public static func dailyAgreement(_ reach: CheckReach) -> [QualityCheck] {
        let days: Reconciliation.Days = reach == .interval ? .interval : .all
        return [
            QualityCheck("gold.agg_orders_daily = gold.fct_orders per day",
                         .dailyAgreement(fact: "gold.fct_orders", factDate: "order_date", aggregate: "gold.agg_orders_daily",
                                         aggregateDate: "order_date",
                                         pairs: [.init(.count, "orders"), .init(.sum("total_amount"), "revenue"),
                                                 .init(.sum("gross_amount"), "gross_revenue"), .init(.sum("quantity"), "units")],
                                         days: days)),
            QualityCheck("gold.fct_order_items lines = gold.fct_orders line_count per day",
                         .dailyAgreement(fact: "gold.fct_order_items", factDate: "order_date", aggregate: "gold.fct_orders",
                                         aggregateDate: "order_date",
                                         pairs: [.init(.count, "line_count"), .init(.sum("quantity"), "quantity"),
                                                 .init(.sum("line_total"), "gross_amount")], days: days)),
            QualityCheck("gold.product_performance = gold.fct_order_items per day",
                         .dailyAgreement(fact: "gold.fct_order_items", factDate: "order_date",
                                         aggregate: "gold.product_performance", aggregateDate: "order_date",
                                         pairs: [.init(.sum("quantity"), "units"), .init(.sum("line_total"), "gross_revenue"),
                                                 .init(.sum("discounted_line_total"), "net_revenue")], days: days)),
            QualityCheck("gold.revenue_by_category = gold.fct_order_items per day",
                         .dailyAgreement(fact: "gold.fct_order_items", factDate: "order_date",
                                         aggregate: "gold.revenue_by_category", aggregateDate: "order_date",
                                         pairs: [.init(.sum("quantity"), "units"), .init(.sum("line_total"), "gross_revenue"),
                                                 .init(.sum("discounted_line_total"), "net_revenue")], days: days)),
            QualityCheck("gold.agg_events_daily = silver.events per day",
                         .dailyAgreement(fact: "silver.events", factDate: "event_date", aggregate: "gold.agg_events_daily",
                                         aggregateDate: "event_date", pairs: [.init(.count, "events")], days: days)),
        ]
    }

    /// The star schema's orders agree with gold's (lines and units) per day, for runs that build the star: on the
    /// interval's days, or on every day the star holds and the interval's (days built before the star existed are
    /// not in it).
    public static func starAgreement(_ reach: CheckReach) -> [QualityCheck] {
        [QualityCheck("star.fact_orders = gold.fct_orders per day",
                      .dailyAgreement(fact: "star.fact_orders", factDate: "order_date", aggregate: "gold.fct_orders",
                                      aggregateDate: "order_date",
                                      pairs: [.init(.sum("items"), "line_count"), .init(.sum("units"), "quantity")],
                                      days: reach == .interval ? .interval : .factDaysAndInterval))]
    }
}
