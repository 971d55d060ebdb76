import Foundation
import OrchPostgres

/// Runs a bulk write into a table with its foreign keys dropped and re-added around it, inside the caller's
/// transaction, the way pg_restore loads data.
///
/// PostgreSQL checks a foreign key row by row on insert (a trigger and a key-share lock per row: about 13 s per
/// million rows per key on the 2-core reference machine); re-adding the constraint validates every row of the table
/// in one anti-join. The constraints come back with their own names and definitions (`pg_get_constraintdef`), so
/// the schema is unchanged when the transaction commits, and a violating row makes the re-add, hence the
/// transaction, fail. The table is locked exclusively until commit. Worth it only for large batches: the re-add
/// reads the whole table, so small batches keep the row-by-row checks (`minimumRows`).
struct BulkForeignKeys {
    let connection: PGConnection
    /// Schema-qualified table name (a constant of ours, never user input).
    let table: String

    func write(rows: Int, minimumRows: Int, _ body: () throws -> Int) throws -> Int {
        guard rows >= minimumRows else { return try body() }
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

    private func quoted(_ name: String) -> String { "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
}
