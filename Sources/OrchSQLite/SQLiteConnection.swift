import CSQLite
import Foundation

/// Owns one `sqlite3*` handle. Not shared between threads at once: callers serialise access
/// (the store wraps it in a lock). `@unchecked Sendable` because SQLite is opened in
/// multi-thread mode (SQLITE_OPEN_NOMUTEX) and every use happens under the owner's lock.
public final class SQLiteConnection: @unchecked Sendable {
    private var handle: OpaquePointer?
    private var statements: [String: OpaquePointer] = [:]
    public let path: String

    /// Opens (creating if needed) a database file, in WAL mode with a busy timeout and foreign keys on.
    public init(path: String, readOnly: Bool = false, busyTimeoutMillis: Int32 = 10_000) throws {
        _ = Self.configured
        self.path = path
        var db: OpaquePointer?
        let flags = readOnly ? SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX
                             : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        let rc = sqlite3_open_v2(path, &db, flags, nil)
        guard rc == SQLITE_OK, let db else {
            let msg = db.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open"
            sqlite3_close_v2(db)
            throw SQLiteError(code: rc, message: "\(msg): \(path)", sql: nil)
        }
        handle = db
        sqlite3_busy_timeout(db, busyTimeoutMillis)
        sqlite3_extended_result_codes(db, 1)
        if !readOnly {
            // Connections opening a new database at the same moment (`orch serve`'s scheduler and web server) each
            // need an exclusive lock to switch it to WAL; SQLite refuses one of them at once, without the busy
            // handler, and one try later the file is in WAL mode and the pragma only reads it.
            try SQLiteError.retryingWhileBusy { try execute("PRAGMA journal_mode=WAL") }
            try execute("PRAGMA synchronous=NORMAL")
        }
        try execute("PRAGMA foreign_keys=ON")
    }

    /// The library's configuration, once per process before the first connection (`orch_sqlite_configure`).
    private static let configured: Int32 = orch_sqlite_configure()

    deinit {
        for (_, s) in statements { sqlite3_finalize(s) }
        sqlite3_close_v2(handle)
    }

    /// Runs one or more statements without parameters (DDL, pragmas, migrations).
    public func executeScript(_ sql: String) throws {
        var err: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(handle, sql, nil, nil, &err)
        if rc != SQLITE_OK {
            let msg = err.map { String(cString: $0) } ?? lastMessage
            sqlite3_free(err)
            throw SQLiteError(code: rc, message: msg, sql: sql)
        }
    }

    /// Runs one statement with parameters; returns the number of rows changed.
    @discardableResult
    public func execute(_ sql: String, _ params: [any SQLiteBindable] = []) throws -> Int {
        try withStatement(sql, params) { stmt in
            var rc = sqlite3_step(stmt)
            while rc == SQLITE_ROW { rc = sqlite3_step(stmt) }
            guard rc == SQLITE_DONE else { throw stepError(rc, sql) }
            return Int(sqlite3_changes(handle))
        }
    }

    /// Runs one `INSERT` into a table with an integer primary key; returns the new row's rowid. Cheaper than
    /// `INSERT … RETURNING`, which SQLite answers through a temporary table (the engine inserts an attempt per launch).
    public func insert(_ sql: String, _ params: [any SQLiteBindable] = []) throws -> Int64 {
        try withStatement(sql, params) { stmt in
            let rc = sqlite3_step(stmt)
            guard rc == SQLITE_DONE else { throw stepError(rc, sql) }
            guard sqlite3_changes(handle) == 1 else {
                throw SQLiteError(code: SQLITE_MISUSE, message: "the insert added no row", sql: sql)
            }
            return sqlite3_last_insert_rowid(handle)
        }
    }

    /// Runs a query and returns every row.
    public func query(_ sql: String, _ params: [any SQLiteBindable] = []) throws -> [SQLiteRow] {
        try withStatement(sql, params) { stmt in
            let n = sqlite3_column_count(stmt)
            let columns = (0..<n).map { String(cString: sqlite3_column_name(stmt, $0)) }
            var rows: [SQLiteRow] = []
            while true {
                let rc = sqlite3_step(stmt)
                if rc == SQLITE_DONE { return rows }
                guard rc == SQLITE_ROW else { throw stepError(rc, sql) }
                var values: [SQLiteValue] = []
                values.reserveCapacity(Int(n))
                for i in 0..<n { values.append(columnValue(stmt, i)) }
                rows.append(SQLiteRow(columns: columns, values: values))
            }
        }
    }

    /// The first row of a query, or nil.
    public func queryOne(_ sql: String, _ params: [any SQLiteBindable] = []) throws -> SQLiteRow? {
        try query(sql, params).first
    }

    /// The rowid of the last insert on this connection.
    public var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }

    /// Runs `body` inside BEGIN IMMEDIATE … COMMIT; rolls back if it throws.
    public func transaction<T>(_ body: () throws -> T) throws -> T {
        try execute("BEGIN IMMEDIATE")
        do {
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            _ = try? execute("ROLLBACK")
            throw error
        }
    }

    private var lastMessage: String { String(cString: sqlite3_errmsg(handle)) }

    /// Prepares (or reuses) `sql`, binds `params`, runs `body`, then resets the statement for the next use.
    func withStatement<T>(_ sql: String, _ params: [any SQLiteBindable], _ body: (OpaquePointer) throws -> T) throws -> T {
        let stmt = try prepared(sql)
        defer { sqlite3_reset(stmt); sqlite3_clear_bindings(stmt) }
        try bind(stmt, params, sql)
        return try body(stmt)
    }

    func stepError(_ rc: Int32, _ sql: String) -> SQLiteError { SQLiteError(code: rc, message: lastMessage, sql: sql) }

    private func prepared(_ sql: String) throws -> OpaquePointer {
        if let s = statements[sql] { return s }
        var stmt: OpaquePointer?
        let rc = sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &stmt, nil)
        guard rc == SQLITE_OK, let stmt else { throw SQLiteError(code: rc, message: lastMessage, sql: sql) }
        statements[sql] = stmt
        return stmt
    }

    private func bind(_ stmt: OpaquePointer, _ params: [any SQLiteBindable], _ sql: String) throws {
        for (i, p) in params.enumerated() {
            let idx = Int32(i + 1)
            let rc: Int32
            switch p.sqliteValue {
            case .null: rc = sqlite3_bind_null(stmt, idx)
            case .integer(let v): rc = sqlite3_bind_int64(stmt, idx, v)
            case .real(let v): rc = sqlite3_bind_double(stmt, idx, v)
            case .text(let v): rc = sqlite3_bind_text(stmt, idx, v, -1, orch_sqlite_transient())
            case .blob(let v):
                rc = v.withUnsafeBytes { sqlite3_bind_blob(stmt, idx, $0.baseAddress, Int32($0.count), orch_sqlite_transient()) }
            }
            guard rc == SQLITE_OK else { throw SQLiteError(code: rc, message: lastMessage, sql: sql) }
        }
    }

    private func columnValue(_ stmt: OpaquePointer, _ i: Int32) -> SQLiteValue {
        switch sqlite3_column_type(stmt, i) {
        case SQLITE_INTEGER: return .integer(sqlite3_column_int64(stmt, i))
        case SQLITE_FLOAT: return .real(sqlite3_column_double(stmt, i))
        case SQLITE_TEXT: return .text(String(cString: sqlite3_column_text(stmt, i)))
        case SQLITE_BLOB:
            let n = Int(sqlite3_column_bytes(stmt, i))
            guard n > 0, let p = sqlite3_column_blob(stmt, i) else { return .blob([]) }
            return .blob(Array(UnsafeRawBufferPointer(start: p, count: n)))
        default: return .null
        }
    }
}
