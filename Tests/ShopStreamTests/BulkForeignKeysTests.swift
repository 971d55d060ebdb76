import Foundation
import OrchPostgres
import Testing
@testable import ShopStream

/// When a bulk write drops and re-adds its table's foreign keys (validating the whole table) and when it keeps the
/// row-by-row checks (whose cost does not grow with the table).
@Suite("Bulk foreign keys")
struct BulkForeignKeysTests {
    @Test("the keys are dropped only for a large batch into a table not much larger than it")
    func decision() {
        let worth = { (batch: Int, table: Int) in
            BulkForeignKeys.isWorthIt(batchRows: batch, tableRows: table, minimumRows: 100_000, costRatio: 20)
        }
        #expect(worth(1_000_000, 0))                  // the first day of a warehouse
        #expect(worth(1_000_000, 19_000_000))         // validating 20 M rows costs what checking 1 M does
        #expect(!worth(1_000_000, 19_000_001))
        #expect(!worth(1_000_000, 364_000_000))       // a day into a year of events: row by row
        #expect(!worth(99_999, 0))                    // a small batch always row by row
        #expect(worth(100_000, -1))                   // a table never analyzed counts as empty
    }

    @Test("a real table: a batch into a table many times its size keeps the key; into an empty one, it is re-added")
    func realTable() throws {
        try WarehouseTestDB.withDatabase(migrate: false) { db, _ in
            try db.executeScript("""
                CREATE TABLE parent (id integer PRIMARY KEY);
                INSERT INTO parent SELECT generate_series(1, 10);
                CREATE TABLE child (id integer PRIMARY KEY, parent_id integer NOT NULL,
                    CONSTRAINT child_parent_fk FOREIGN KEY (parent_id) REFERENCES parent (id));
                """)
            func keyOID() throws -> Int {
                try db.count("SELECT oid::bigint FROM pg_constraint WHERE conname = 'child_parent_fk' AND convalidated")
            }
            func insert(_ from: Int, _ to: Int) throws -> Int {
                try db.execute("INSERT INTO child SELECT i, 1 + i % 10 FROM generate_series($1::int, $2::int) i",
                               [from, to]).affectedRows
            }
            let keys = BulkForeignKeys(connection: db, table: "public.child", costRatio: 4)
            // Empty table: 50 rows are worth the re-add, so the key is a new constraint afterwards.
            let first = try keyOID()
            try db.transaction { _ = try keys.write(rows: 50, minimumRows: 10) { try insert(1, 50) } }
            let readded = try keyOID()
            #expect(readded != first)
            // 1,000 rows, analyzed: 10 more would validate 1,010 rows against checking 10 (ratio 4), so the key stays.
            _ = try insert(51, 1_000)
            try db.execute("ANALYZE child")
            try db.transaction { _ = try keys.write(rows: 10, minimumRows: 10) { try insert(1_001, 1_010) } }
            #expect(try keyOID() == readded)
            // Both ways refuse a row without its parent, and the transaction leaves nothing behind.
            for rows in [10, 5_000] {
                #expect(throws: PGError.self) {
                    try db.transaction {
                        _ = try keys.write(rows: rows, minimumRows: 10) {
                            try db.execute("INSERT INTO child VALUES (99999, 11)").affectedRows
                        }
                    }
                }
            }
            #expect(try db.count("SELECT count(*) FROM child") == 1_010)
            #expect(try db.count("SELECT count(*) FROM pg_constraint WHERE conname = 'child_parent_fk' AND convalidated") == 1)
        }
    }
}
