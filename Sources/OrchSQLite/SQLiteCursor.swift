import CSQLite

/// The current row of a query run by ``SQLiteConnection/forEachRow(_:_:_:)``, read in place: no array of values
/// and no column names per row, for the listings read many times a second. Valid only inside that body.
public struct SQLiteCursor {
    fileprivate let stmt: OpaquePointer

    public func int64(_ column: Int32) -> Int64 { sqlite3_column_int64(stmt, column) }
    public func int(_ column: Int32) -> Int { Int(sqlite3_column_int64(stmt, column)) }
    public func isNull(_ column: Int32) -> Bool { sqlite3_column_type(stmt, column) == SQLITE_NULL }

    /// Text of the column, or nil when it is NULL.
    public func string(_ column: Int32) -> String? {
        guard let text = sqlite3_column_text(stmt, column) else { return nil }
        let count = Int(sqlite3_column_bytes(stmt, column))
        return String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self)
    }
}

extension SQLiteConnection {
    /// Runs a query and hands each row to `body` as it is stepped.
    public func forEachRow(_ sql: String, _ params: [any SQLiteBindable] = [],
                           _ body: (SQLiteCursor) throws -> Void) throws {
        try withStatement(sql, params) { stmt in
            while true {
                let rc = sqlite3_step(stmt)
                if rc == SQLITE_DONE { return }
                guard rc == SQLITE_ROW else { throw stepError(rc, sql) }
                try body(SQLiteCursor(stmt: stmt))
            }
        }
    }
}
