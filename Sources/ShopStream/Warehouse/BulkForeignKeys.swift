import Foundation
import OrchPostgres

/// Runs a bulk write into a table with its foreign keys dropped and re-added around it, inside the caller's
/// transaction, the way pg_restore loads data — when that costs less than checking the rows one by one.
///
/// PostgreSQL checks a foreign key row by row on insert (a trigger and a key-share lock per row); re-adding the
/// constraint validates every row of the table in one anti-join, which costs far less per row
/// (`rowCheckCostRatio`) but reads the whole table, not just the batch. So the keys are dropped only when the batch
/// is large (`minimumRows`) and the table is not much larger than it (`isWorthIt`): the first days of a warehouse,
/// or a backfill, take the bulk way; a daily batch into a table that already holds months keeps the row-by-row
/// checks, whose cost does not grow with the table. The constraints come back with their own names and definitions
/// (`pg_get_constraintdef`), so the schema is unchanged when the transaction commits, and a violating row makes the
/// re-add, hence the transaction, fail. The table is locked exclusively until commit.
struct BulkForeignKeys {
    let connection: PGConnection
    /// Schema-qualified table name (a constant of ours, never user input).
    let table: String
    /// How many times as long checking one row on insert takes as validating one row when the key is re-added.
    var costRatio = BulkForeignKeys.rowCheckCostRatio

    /// Checking a row on insert against validating it on re-add, per million rows of silver.events (one key) on the
    /// 2-core reference machine: 14.7 s against 0.39 s, a ratio of 37 (`bench/shopstream/fk_cost.sh`, medians of 3;
    /// docs/performance.md). 30 leaves room for a table too large to stay in memory, whose validation reads disk.
    static let rowCheckCostRatio = 30

    /// Whether re-adding the keys (validating the table's `tableRows` plus the batch) costs less than checking the
    /// batch's `batchRows` one by one, and the batch is at least `minimumRows`.
    static func isWorthIt(batchRows: Int, tableRows: Int, minimumRows: Int, costRatio: Int) -> Bool {
        batchRows >= minimumRows && max(tableRows, 0) + batchRows <= batchRows * costRatio
    }

    /// Runs `body` (which writes about `rows` rows), around it dropping and re-adding the table's foreign keys when
    /// that is worth it. A batch of at least `minimumRows` is followed by an ANALYZE of the table: it changed the
    /// row count the next choice reads, and the statistics the queries after it plan on (gold and the star join
    /// silver.events). Returns what `body` returned.
    func write(rows: Int, minimumRows: Int, _ body: () throws -> Int) throws -> Int {
        guard rows >= minimumRows else { return try body() }
        let worthIt = Self.isWorthIt(batchRows: rows, tableRows: try estimatedRows(), minimumRows: minimumRows,
                                     costRatio: costRatio)
        let written = worthIt ? try withKeysDropped(body) : try body()
        try connection.execute("ANALYZE \(table)")
        return written
    }

    private func withKeysDropped(_ body: () throws -> Int) throws -> Int {
        let keys = try connection.execute("""
            SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint
            WHERE conrelid = $1::regclass AND contype = 'f' ORDER BY conname
            """, [table]).rows.compactMap { row -> (String, String)? in
                guard let name = row[0], let definition = row[1] else { return nil }
                return (name, definition)
            }
        for (name, _) in keys {
            try connection.execute("ALTER TABLE \(table) DROP CONSTRAINT \(quoted(name))")
        }
        let written = try body()
        for (name, definition) in keys {
            try connection.execute("ALTER TABLE \(table) ADD CONSTRAINT \(quoted(name)) \(definition)")
        }
        return written
    }

    /// The planner's row count of the table (kept by `write`'s ANALYZE and autovacuum; 0 for a table never analyzed).
    private func estimatedRows() throws -> Int {
        let r = try connection.execute("SELECT greatest(reltuples, 0)::bigint FROM pg_class WHERE oid = $1::regclass",
                                       [table])
        return try r.int(0, 0) ?? 0
    }

    private func quoted(_ name: String) -> String { "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
}
