import Foundation
import OrchSQLite

/// The SQL connection under a ``SQLStateStore``: a SQLite file or a PostgreSQL database, spoken to in one
/// vocabulary (`?` placeholders, ``SQLiteBindable`` parameters, ``SQLiteRow`` rows), so the store's SQL is written
/// once for both. The statements keep to what both databases understand (`ON CONFLICT`, `coalesce`);
/// the few things that differ (file size, change detection) ask ``dialect``, and an insert's new id is ``insert(_:_:)``
/// (SQLite's last rowid, PostgreSQL's `RETURNING id`).
///
/// Callers serialise use of one connection (the store holds its lock); `transaction` is the only writer's
/// transaction: SQLite's `BEGIN IMMEDIATE`, PostgreSQL's `BEGIN` plus a transaction-level advisory lock, so writers
/// to one state database take turns on both.
public protocol StateDatabase: AnyObject, Sendable {
    var dialect: SQLDialect { get }
    /// Several statements without parameters (migrations).
    func executeScript(_ sql: String) throws
    /// One statement; the number of rows it changed.
    @discardableResult
    func execute(_ sql: String, _ params: [any SQLiteBindable]) throws -> Int
    func query(_ sql: String, _ params: [any SQLiteBindable]) throws -> [SQLiteRow]
    /// One `INSERT` into a table whose key is the integer column `id`; the new row's id.
    func insert(_ sql: String, _ params: [any SQLiteBindable]) throws -> Int64
    /// Each row of a query in turn, read in place (listings read many times a second).
    func forEachRow(_ sql: String, _ params: [any SQLiteBindable], _ body: (any RowCursor) throws -> Void) throws
    /// `body` as one write transaction: committed when it returns, rolled back when it throws.
    func transaction<T>(_ body: () throws -> T) throws -> T
}

/// Which database a ``StateDatabase`` is.
public enum SQLDialect: String, Sendable {
    case sqlite, postgres
}

/// The current row of ``StateDatabase/forEachRow(_:_:_:)``, by column index.
public protocol RowCursor {
    func int64(_ column: Int32) -> Int64
    func int(_ column: Int32) -> Int
    func isNull(_ column: Int32) -> Bool
    func string(_ column: Int32) -> String?
}

extension StateDatabase {
    @discardableResult
    public func execute(_ sql: String) throws -> Int { try execute(sql, []) }
    public func query(_ sql: String) throws -> [SQLiteRow] { try query(sql, []) }
    public func queryOne(_ sql: String, _ params: [any SQLiteBindable] = []) throws -> SQLiteRow? {
        try query(sql, params).first
    }
}

extension SQLiteCursor: RowCursor {}

extension SQLiteConnection: StateDatabase {
    public var dialect: SQLDialect { .sqlite }

    public func forEachRow(_ sql: String, _ params: [any SQLiteBindable],
                           _ body: (any RowCursor) throws -> Void) throws {
        try forEachRow(sql, params) { (cursor: SQLiteCursor) in try body(cursor) }
    }
}
