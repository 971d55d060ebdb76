import Foundation
import OrchCore
import OrchSQLite

/// A state-database row that cannot be read as what it should hold: the table, the row, the column, what it
/// holds and what was expected. Raised instead of defaulting (a damaged row read as `manual` or year 1 would
/// hide the damage and could drive wrong decisions).
public struct RowDecodingError: Error, CustomStringConvertible, Equatable {
    public let table: String
    public let row: String
    public let column: String
    public let found: String
    public let expected: String

    public var description: String {
        "table \(table), row \(row): column '\(column)' holds \(found), expected \(expected); the state database "
            + "is damaged (restore a backup, or repair the row by hand)"
    }
}

/// Reads one row's columns strictly: a missing or mistyped value throws ``RowDecodingError`` naming it.
struct RowReader {
    let row: SQLiteRow
    let table: String
    /// How the row is named in errors, e.g. `id 7` or `run_pk 3, task_id 'load'`.
    let name: String

    init(_ row: SQLiteRow, table: String, key: [String] = ["id"]) {
        self.row = row
        self.table = table
        name = key.map { "\($0) \(Self.show(row[$0]))" }.joined(separator: ", ")
    }

    private static func show(_ v: SQLiteValue) -> String {
        switch v {
        case .null: return "NULL"
        case .integer(let i): return String(i)
        case .real(let d): return String(d)
        case .text(let s): return "'\(s.count > 60 ? String(s.prefix(60)) + "…" : s)'"
        case .blob(let b): return "a blob of \(b.count) bytes"
        }
    }

    func fail(_ column: String, _ expected: String) -> RowDecodingError {
        RowDecodingError(table: table, row: name, column: column, found: Self.show(row[column]), expected: expected)
    }

    func string(_ c: String) throws -> String {
        guard let v = row[c].string else { throw fail(c, "text") }
        return v
    }

    func optionalString(_ c: String) throws -> String? {
        if row[c].isNull { return nil }
        return try string(c)
    }

    func int64(_ c: String) throws -> Int64 {
        guard let v = row[c].int64 else { throw fail(c, "an integer") }
        return v
    }

    func int(_ c: String) throws -> Int { Int(try int64(c)) }

    func optionalInt(_ c: String) throws -> Int? {
        if row[c].isNull { return nil }
        return try int(c)
    }

    func optionalInt64(_ c: String) throws -> Int64? {
        if row[c].isNull { return nil }
        return try int64(c)
    }

    func double(_ c: String) throws -> Double {
        guard let v = row[c].double else { throw fail(c, "a number") }
        return v
    }

    /// Dates are stored as Unix seconds.
    func date(_ c: String) throws -> Date {
        guard let v = row[c].double else { throw fail(c, "a time (Unix seconds)") }
        return Date(timeIntervalSince1970: v)
    }

    func optionalDate(_ c: String) throws -> Date? {
        if row[c].isNull { return nil }
        return try date(c)
    }

    func value<E: RawRepresentable & CaseIterable>(_ c: String, _ type: E.Type) throws -> E where E.RawValue == String {
        guard let text = row[c].string, let v = E(rawValue: text) else {
            throw fail(c, "one of " + E.allCases.map(\.rawValue).joined(separator: ", "))
        }
        return v
    }

    /// A JSON object stored as text.
    func object(_ c: String) throws -> [String: JSONValue] {
        guard let text = row[c].string, let value = try? JSONValue.parse(text), let object = value.objectValue else {
            throw fail(c, "a JSON object")
        }
        return object
    }
}
