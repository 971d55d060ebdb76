import Foundation
import OrchPostgres
import OrchSQLite

/// A PostgreSQL connection as a ``StateDatabase``: `?` placeholders are numbered (`$1`, `$2`, …) and the values
/// sent apart from the SQL text (PQexecParams); rows come back as ``SQLiteRow`` values typed by their columns'
/// types, so the store's row decoders read both databases alike.
///
/// Write transactions take `pg_advisory_xact_lock` on a key of the connection's schema first: writers to one
/// state database take turns, as SQLite's `BEGIN IMMEDIATE` makes them, so a check-then-insert inside a
/// transaction (a free run id, a try not yet begun) holds on PostgreSQL too. Readers never wait for it.
public final class PostgresStateDatabase: StateDatabase, @unchecked Sendable {
    let connection: PGConnection

    /// Opens a connection; `conninfo` is a libpq URI or key=value string (its `options=-csearch_path=…` picks
    /// the schema). Messages name host, port, database and user, never the password.
    public init(conninfo: String) throws {
        connection = try PGConnection(conninfo: conninfo)
        try configureSession()
    }

    /// Times are Unix seconds in double precision columns: the shortest text that reads back exactly.
    private func configureSession() throws {
        try connection.execute("SET extra_float_digits = 3")
    }

    /// A connection the server dropped (a restart, a failover, `pg_terminate_backend`) is opened again before the
    /// next statement, outside a transaction. The statement that found it broken failed with its error and is not
    /// repeated (had its COMMIT reached the server? nobody knows): its caller's next turn goes on, on the new
    /// connection. While the server is down this throws the connection error.
    private func reconnectIfLost() throws {
        guard connection.isLost, !connection.inTransaction else { return }
        try connection.reset()
        try configureSession()
    }

    public var dialect: SQLDialect { .postgres }

    public func executeScript(_ sql: String) throws {
        try reconnectIfLost()
        try connection.executeScript(sql)
    }

    @discardableResult
    public func execute(_ sql: String, _ params: [any SQLiteBindable]) throws -> Int {
        try reconnectIfLost()
        return try connection.execute(PlaceholderNumbering.numbered(sql), params.map(Self.text)).affectedRows
    }

    public func insert(_ sql: String, _ params: [any SQLiteBindable]) throws -> Int64 {
        guard let id = try queryOne(sql + " RETURNING id", params)?["id"].int64 else {
            throw StoreError.invalid("an insert returned no id: \(sql.prefix(60))")
        }
        return id
    }

    public func query(_ sql: String, _ params: [any SQLiteBindable]) throws -> [SQLiteRow] {
        try reconnectIfLost()
        let result = try connection.execute(PlaceholderNumbering.numbered(sql), params.map(Self.text))
        let kinds = result.types.map(PostgresColumnKind.init(oid:))
        return try result.rows.map { texts in
            SQLiteRow(columns: result.columns, values: try zip(texts.indices, texts).map { i, text in
                try Self.value(text, kinds.indices.contains(i) ? kinds[i] : .text, column: result.columns[i])
            })
        }
    }

    public func forEachRow(_ sql: String, _ params: [any SQLiteBindable],
                           _ body: (any RowCursor) throws -> Void) throws {
        for row in try query(sql, params) { try body(PostgresRowCursor(row: row)) }
    }

    public func transaction<T>(_ body: () throws -> T) throws -> T {
        try reconnectIfLost()
        return try connection.transaction {
            try connection.execute("SELECT pg_advisory_xact_lock(hashtext('orch.state.' || current_schema()))")
            return try body()
        }
    }

    /// A parameter in PostgreSQL's text input format (booleans travel as 1 and 0, which boolean and integer
    /// columns both accept).
    static func text(_ value: any SQLiteBindable) -> (any PGValue)? {
        switch value.sqliteValue {
        case .null: return nil
        case .integer(let v): return v
        case .real(let v): return v
        case .text(let v): return v
        case .blob(let v): return PGBytes(v)
        }
    }

    static func value(_ text: String?, _ kind: PostgresColumnKind, column: String) throws -> SQLiteValue {
        guard let text else { return .null }
        switch kind {
        case .integer:
            guard let v = Int64(text) else { throw PGError(kind: .decoding, message: "column '\(column)': '\(text)' is not an integer") }
            return .integer(v)
        case .real:
            guard let v = Double(text) else { throw PGError(kind: .decoding, message: "column '\(column)': '\(text)' is not a number") }
            return .real(v)
        case .numeric:
            if let v = Int64(text) { return .integer(v) }
            guard let v = Double(text) else { throw PGError(kind: .decoding, message: "column '\(column)': '\(text)' is not a number") }
            return .real(v)
        case .boolean: return .integer(text == "t" ? 1 : 0)
        case .text: return .text(text)
        }
    }
}

/// How a PostgreSQL column type reads as a SQLite value.
enum PostgresColumnKind {
    case integer, real, numeric, boolean, text

    init(oid: UInt32) {
        switch oid {
        case 20, 21, 23, 26: self = .integer          // int8, int2, int4, oid
        case 700, 701: self = .real                    // float4, float8
        case 1700: self = .numeric                     // numeric (sum of bigint, avg)
        case 16: self = .boolean
        default: self = .text
        }
    }
}

/// ``RowCursor`` over a row already read.
struct PostgresRowCursor: RowCursor {
    let row: SQLiteRow
    func int64(_ column: Int32) -> Int64 { row[Int(column)].int64 ?? 0 }
    func int(_ column: Int32) -> Int { row[Int(column)].int ?? 0 }
    func isNull(_ column: Int32) -> Bool { row[Int(column)].isNull }
    func string(_ column: Int32) -> String? { row[Int(column)].string }
}
