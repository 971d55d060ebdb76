import Foundation
import OrchPostgres
import Testing
@testable import ShopStream

@Suite("WarehouseMigrator")
struct WarehouseMigratorTests {
    @Test func appliesInOrderOnceAndDetectsEditedFiles() throws {
        try WarehouseTestDB.withDatabase(migrate: false) { db, _ in
            let dir = NSTemporaryDirectory() + "orch-wh-mig-" + UUID().uuidString
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: dir) }
            for name in try FileManager.default.contentsOfDirectory(atPath: WarehouseTestDB.migrationsDirectory) {
                try FileManager.default.copyItem(atPath: WarehouseTestDB.migrationsDirectory + "/" + name, toPath: dir + "/" + name)
            }
            let migrator = WarehouseMigrator(connection: db, directory: dir)
            let first = try migrator.migrate()
            #expect(first == (try migrator.files()))
            #expect(first.first == "0001_schemas.sql")
            #expect(try migrator.migrate().isEmpty)
            #expect(try db.count("SELECT count(*) FROM information_schema.schemata WHERE schema_name IN ('bronze','silver','gold','quality','meta')") == 5)

            try "-- edited\n".appendToFile(dir + "/0002_bronze.sql")
            do {
                try migrator.migrate()
                Issue.record("expected the edited file to be refused")
            } catch let error as WarehouseMigrator.MigrationError {
                #expect(error.file == "0002_bronze.sql")
                #expect(error.description.contains("edited"))
            }
        }
    }

    /// 0012 on a warehouse the earlier migrations built: gold.agg_customer_daily gains net_revenue, what was paid
    /// (sum of net_amount, not revenue's total_amount, which differs on two orders here), to the cent; its rows are
    /// built again from the facts (a stale row and a row without any order, as an order whose time moved could leave
    /// them, agree again), and so are the monthly roll-ups. customer_ltv summed from them is the computation over every
    /// order, a customer without orders included.
    @Test("0012 gives gold.agg_customer_daily net_revenue from the facts, to the cent")
    func customerDailyNetRevenue() throws {
        try WarehouseTestDB.withDatabase(migrate: false) { db, _ in
            let dir = NSTemporaryDirectory() + "orch-wh-mig-" + UUID().uuidString
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: dir) }
            let migration = "0012_customer_daily_net.sql"
            func copy(_ name: String) throws {
                try FileManager.default.copyItem(atPath: WarehouseTestDB.migrationsDirectory + "/" + name, toPath: dir + "/" + name)
            }
            for name in try FileManager.default.contentsOfDirectory(atPath: WarehouseTestDB.migrationsDirectory) where name < migration {
                try copy(name)
            }
            let migrator = WarehouseMigrator(connection: db, directory: dir)
            #expect(try migrator.migrate().last == "0011_star_order_date.sql")
            let netColumn = """
                SELECT is_nullable FROM information_schema.columns
                WHERE table_schema = 'gold' AND table_name = 'agg_customer_daily' AND column_name = 'net_revenue'
                """
            #expect(try db.execute(netColumn).rows.isEmpty)

            // Before 0012: orders of two days (o3's and o4's total_amount is not their net_amount), a customer without
            // orders, the day × customer rows as 0009 and the gold task built them, one of them stale and one for an
            // order no longer there, and the monthly roll-ups of those.
            try db.executeScript("""
                INSERT INTO gold.dim_customers (customer_id, full_name, email) VALUES
                    (1, 'Ann Lee', 'ann@example.com'), (2, 'Bo Kim', 'bo@example.com'), (3, 'Cy Ng', 'cy@example.com');
                INSERT INTO gold.fct_orders (order_id, channel, customer_id, order_date, order_ts, gross_amount, net_amount,
                    discount_amount, line_count, quantity, total_amount, status) VALUES
                    ('o1', 'cart', 1, '2026-11-01', '2026-11-01 08:00:00+00', 120.00, 100.10, 19.90, 2, 3, 100.10, 'completed'),
                    ('o2', 'web', 1, '2026-11-01', '2026-11-01 09:30:00+00', 50.00, 45.55, 4.45, 1, 1, 45.55, 'completed'),
                    ('o3', 'cart', 2, '2026-11-01', '2026-11-01 10:00:00+00', 10.00, 9.99, 0.01, 1, 1, 8.88, 'completed'),
                    ('o4', 'web', 1, '2026-11-02', '2026-11-02 23:59:59+00', 33.33, 30.01, 3.32, 1, 2, 29.00, 'completed');
                INSERT INTO gold.agg_customer_daily (order_date, customer_id, orders, revenue, gross_revenue)
                SELECT order_date, customer_id, count(*), sum(total_amount), sum(gross_amount)
                FROM gold.fct_orders GROUP BY order_date, customer_id;
                UPDATE gold.agg_customer_daily SET orders = 2, revenue = 58.00, gross_revenue = 66.66
                WHERE order_date = '2026-11-02' AND customer_id = 1;
                INSERT INTO gold.agg_customer_daily (order_date, customer_id, orders, revenue, gross_revenue)
                VALUES ('2026-11-03', 2, 1, 5.00, 6.00);
                INSERT INTO gold.agg_customer_monthly (month, customer_id, orders, revenue, gross_revenue)
                SELECT date_trunc('month', order_date)::date, customer_id, sum(orders), sum(revenue), sum(gross_revenue)
                FROM gold.agg_customer_daily GROUP BY 1, 2;
                """)

            try copy(migration)
            #expect(try migrator.migrate() == [migration])
            #expect(try db.execute(netColumn).rows == [["NO"]])
            let daily = try db.execute("""
                SELECT order_date::text, customer_id, orders, revenue::text, gross_revenue::text, net_revenue::text
                FROM gold.agg_customer_daily ORDER BY 1, 2
                """)
            #expect(daily.rows == [["2026-11-01", "1", "2", "145.65", "170.00", "145.65"],
                                   ["2026-11-01", "2", "1", "8.88", "10.00", "9.99"],
                                   ["2026-11-02", "1", "1", "29.00", "33.33", "30.01"]])
            let monthly = try db.execute("""
                SELECT month::text, customer_id, orders, revenue::text, gross_revenue::text
                FROM gold.agg_customer_monthly ORDER BY 1, 2
                """)
            #expect(monthly.rows == [["2026-11-01", "1", "3", "174.65", "203.33"], ["2026-11-01", "2", "1", "8.88", "10.00"]])

            for sql in GoldSQL.lifetime { try db.execute(sql) }
            #expect(try IntervalReadsTests.ltvDisagreement(db) == [nil, nil])
            let ltv = try db.execute("""
                SELECT customer_id, orders, gross_revenue::text, net_revenue::text, avg_order_value::text,
                       first_order_date::text, last_order_date::text, segment
                FROM gold.customer_ltv ORDER BY customer_id
                """)
            let expected: [[String?]] = [["1", "3", "203.33", "175.66", "58.55", "2026-11-01", "2026-11-02", "vip"],
                                         ["2", "1", "10.00", "9.99", "9.99", "2026-11-01", "2026-11-01", "medium"],
                                         ["3", "0", "0.00", "0.00", nil, nil, nil, "none"]]
            #expect(ltv.rows == expected)
        }
    }

    @Test func missingDirectoryIsAClearError() throws {
        try WarehouseTestDB.withDatabase(migrate: false) { db, _ in
            #expect(throws: WarehouseMigrator.MigrationError.self) {
                try WarehouseMigrator(connection: db, directory: "/nonexistent/migrations").migrate()
            }
        }
    }
}

extension String {
    func appendToFile(_ path: String) throws {
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(utf8))
    }
}
