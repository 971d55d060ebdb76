import Foundation
import OrchPostgres
import Testing
@testable import ShopStream

/// The schema reference of the seeds (`001_…txt`, "Schema Definitions"): every documented table and column exists
/// in the migrated warehouse with its documented constraints. The list below is copied from the seed's tables.
@Suite("Seed schema contract")
struct SeedContractTests {
    enum Constraint: String, Sendable { case pk, notNull, unique, fk }

    struct Column: Sendable, CustomTestStringConvertible {
        var table: String
        var name: String
        var constraints: Set<Constraint>
        /// For `fk`: the referenced table.
        var references: String? = nil
        var testDescription: String { "\(table).\(name)" }
    }

    static func c(_ table: String, _ name: String, _ constraints: Set<Constraint> = [], references: String? = nil) -> Column {
        Column(table: table, name: name, constraints: constraints, references: references)
    }

    /// Straight from the seed: PK, NOT NULL, UNIQUE and FK as written in its Constraints column (and the ER diagram
    /// for the gold foreign keys, which the tables mark "FK").
    static let documented: [Column] = [
        c("bronze.raw_events", "topic"), c("bronze.raw_events", "record_key"), c("bronze.raw_events", "record_value"),
        c("bronze.raw_events", "partition"), c("bronze.raw_events", "offset"), c("bronze.raw_events", "event_ts"),
        c("bronze.raw_events", "ingested_at"),

        c("silver.customers", "customer_id", [.pk, .notNull, .unique]), c("silver.customers", "first_name"),
        c("silver.customers", "last_name"), c("silver.customers", "email", [.notNull, .unique]),
        c("silver.customers", "created_at"), c("silver.customers", "updated_at"),

        c("silver.products", "product_id", [.pk, .notNull, .unique]), c("silver.products", "name"),
        c("silver.products", "description"), c("silver.products", "price", [.notNull]),
        c("silver.products", "category"), c("silver.products", "created_at"), c("silver.products", "updated_at"),

        c("silver.orders", "order_id", [.pk, .notNull, .unique]),
        c("silver.orders", "customer_id", [.notNull, .fk], references: "silver.customers"),
        c("silver.orders", "order_date", [.notNull]), c("silver.orders", "total_amount", [.notNull]),
        c("silver.orders", "status"), c("silver.orders", "created_at"), c("silver.orders", "updated_at"),

        c("silver.order_items", "order_item_id", [.pk, .notNull, .unique]),
        c("silver.order_items", "order_id", [.notNull, .fk], references: "silver.orders"),
        c("silver.order_items", "product_id", [.notNull, .fk], references: "silver.products"),
        c("silver.order_items", "quantity", [.notNull]), c("silver.order_items", "unit_price", [.notNull]),
        c("silver.order_items", "created_at"),

        c("silver.events", "event_id", [.pk, .notNull, .unique]),
        c("silver.events", "customer_id", [.notNull, .fk], references: "silver.customers"),
        c("silver.events", "event_type", [.notNull]), c("silver.events", "event_data"),
        c("silver.events", "created_at", [.notNull]),

        c("gold.dim_customers", "customer_id", [.pk, .notNull, .unique]), c("gold.dim_customers", "first_name"),
        c("gold.dim_customers", "last_name"), c("gold.dim_customers", "email"), c("gold.dim_customers", "created_at"),
        c("gold.dim_customers", "updated_at"),

        c("gold.dim_products", "product_id", [.pk, .notNull, .unique]), c("gold.dim_products", "name"),
        c("gold.dim_products", "description"), c("gold.dim_products", "price"), c("gold.dim_products", "category"),
        c("gold.dim_products", "created_at"), c("gold.dim_products", "updated_at"),

        c("gold.fct_orders", "order_id", [.pk, .notNull, .unique]),
        c("gold.fct_orders", "customer_id", [.fk], references: "gold.dim_customers"),
        c("gold.fct_orders", "order_date"), c("gold.fct_orders", "total_amount"), c("gold.fct_orders", "status"),
        c("gold.fct_orders", "customer_email"),

        c("gold.fct_order_items", "order_item_id", [.pk, .notNull, .unique]),
        c("gold.fct_order_items", "order_id", [.fk], references: "gold.fct_orders"),
        c("gold.fct_order_items", "product_id", [.fk], references: "gold.dim_products"),
        c("gold.fct_order_items", "quantity"), c("gold.fct_order_items", "unit_price"),
        c("gold.fct_order_items", "line_total"), c("gold.fct_order_items", "order_date"),
        c("gold.fct_order_items", "customer_id"),

        c("gold.agg_orders_daily", "order_date", [.pk, .notNull]), c("gold.agg_orders_daily", "orders"),
        c("gold.agg_orders_daily", "revenue"),

        c("gold.agg_events_daily", "event_date", [.pk, .notNull]), c("gold.agg_events_daily", "event_type", [.pk, .notNull]),
        c("gold.agg_events_daily", "events"),
    ]

    /// What the catalog says about one column: nullability, primary key membership, a single-column unique or primary
    /// key, and the tables its foreign keys reference.
    struct Found { var exists = false, notNull = false, inPK = false, singleUnique = false; var references: Set<String> = [] }

    func inspect(_ db: PGConnection, _ column: Column) throws -> Found {
        let parts = column.table.split(separator: ".").map(String.init)
        var found = Found()
        let col = try db.execute("""
            SELECT is_nullable FROM information_schema.columns
            WHERE table_schema = $1 AND table_name = $2 AND column_name = $3
            """, [parts[0], parts[1], column.name])
        guard !col.isEmpty else { return found }
        found.exists = true
        found.notNull = try col.string(0, 0) == "NO"
        let cons = try db.execute("""
            SELECT con.contype::text, array_length(con.conkey, 1), coalesce(ref.relnamespace::regnamespace::text || '.' || ref.relname, '')
            FROM pg_constraint con
            JOIN pg_class rel ON rel.oid = con.conrelid
            JOIN pg_attribute att ON att.attrelid = rel.oid AND att.attnum = ANY (con.conkey)
            LEFT JOIN pg_class ref ON ref.oid = con.confrelid
            WHERE rel.relnamespace = $1::regnamespace AND rel.relname = $2 AND att.attname = $3
            """, [parts[0], parts[1], column.name])
        for row in cons.rows {
            let kind = row[0] ?? "", width = Int(row[1] ?? "0") ?? 0
            if kind == "p" { found.inPK = true }
            if (kind == "p" || kind == "u") && width == 1 { found.singleUnique = true }
            if kind == "f", let ref = row[2] { found.references.insert(ref) }
        }
        return found
    }

    @Test("every documented column exists with its constraints (one migrated database for all)")
    func columns() throws {
        try WarehouseTestDB.withDatabase { db, _ in
            #expect(Self.documented.count == 71)
            for column in Self.documented {
                let found = try inspect(db, column)
                #expect(found.exists, "\(column.table).\(column.name) is missing")
                guard found.exists else { continue }
                if column.constraints.contains(.pk) { #expect(found.inPK, "\(column.table).\(column.name) not in the primary key") }
                if column.constraints.contains(.notNull) { #expect(found.notNull, "\(column.table).\(column.name) is nullable") }
                if column.constraints.contains(.unique) {
                    #expect(found.singleUnique, "\(column.table).\(column.name) is not unique on its own")
                }
                if let ref = column.references {
                    #expect(found.references.contains(ref), "\(column.table).\(column.name) does not reference \(ref)")
                }
            }
        }
    }

    @Test("every documented table has exactly the seed's primary key")
    func primaryKeys() throws {
        try WarehouseTestDB.withDatabase { db, _ in
            let tables = Set(Self.documented.map(\.table)).filter { $0 != "bronze.raw_events" }
            for table in tables.sorted() {
                let expected = Set(Self.documented.filter { $0.table == table && $0.constraints.contains(.pk) }.map(\.name))
                let parts = table.split(separator: ".").map(String.init)
                let actual = try db.execute("""
                    SELECT att.attname FROM pg_constraint con JOIN pg_class rel ON rel.oid = con.conrelid
                    JOIN pg_attribute att ON att.attrelid = rel.oid AND att.attnum = ANY (con.conkey)
                    WHERE con.contype = 'p' AND rel.relnamespace = $1::regnamespace AND rel.relname = $2
                    """, [parts[0], parts[1]]).rows.compactMap { $0[0] }
                #expect(Set(actual) == expected, "\(table): primary key \(actual.sorted()), seed says \(expected.sorted())")
            }
        }
    }
}
