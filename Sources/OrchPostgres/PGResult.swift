import Foundation

/// The rows of a statement's result, copied out of libpq into Swift values (text format).
///
/// Values are PostgreSQL's text output: `t`/`f` for booleans, `123.45` for numerics, ISO-like timestamps.
/// The typed helpers parse them and throw a `PGError` of kind `.decoding` naming the column when they cannot.
public struct PGResult: Sendable {
    /// Column names in result order.
    public let columns: [String]
    /// Each row's values; `nil` is SQL NULL.
    public let rows: [[String?]]
    /// Rows affected by INSERT/UPDATE/DELETE/COPY (from PQcmdTuples), 0 when not applicable.
    public let affectedRows: Int
    /// The command tag, such as `INSERT 0 3`.
    public let commandTag: String
    /// Each column's type OID (`pg_type.oid`: 20 bigint, 23 integer, 25 text, 701 double precision, …), in
    /// result order; empty when the result was built by hand.
    public let types: [UInt32]

    public init(columns: [String], rows: [[String?]], affectedRows: Int, commandTag: String, types: [UInt32] = []) {
        self.columns = columns
        self.rows = rows
        self.affectedRows = affectedRows
        self.commandTag = commandTag
        self.types = types
    }

    public var count: Int { rows.count }
    public var isEmpty: Bool { rows.isEmpty }

    /// The index of a column by name.
    public func columnIndex(_ name: String) throws -> Int {
        guard let index = columns.firstIndex(of: name) else {
            throw PGError(kind: .usage, message: "no column named '\(name)' in result (columns: \(columns.joined(separator: ", ")))")
        }
        return index
    }

    /// The raw text value at a row and column (by index); nil for NULL.
    public func string(_ row: Int, _ column: Int) throws -> String? {
        guard rows.indices.contains(row) else {
            throw PGError(kind: .usage, message: "row \(row) out of range (result has \(rows.count) rows)")
        }
        guard columns.indices.contains(column) else {
            throw PGError(kind: .usage, message: "column \(column) out of range (result has \(columns.count) columns)")
        }
        return rows[row][column]
    }

    /// The raw text value at a row and named column; nil for NULL.
    public func string(_ row: Int, _ column: String) throws -> String? {
        try string(row, columnIndex(column))
    }

    public func int(_ row: Int, _ column: Int) throws -> Int? {
        try parse(row, column, "integer") { Int($0) }
    }
    public func int(_ row: Int, _ column: String) throws -> Int? { try int(row, columnIndex(column)) }

    public func int64(_ row: Int, _ column: Int) throws -> Int64? {
        try parse(row, column, "bigint") { Int64($0) }
    }
    public func int64(_ row: Int, _ column: String) throws -> Int64? { try int64(row, columnIndex(column)) }

    public func double(_ row: Int, _ column: Int) throws -> Double? {
        try parse(row, column, "double") { text in
            switch text {
            case "NaN": return .nan
            case "Infinity": return .infinity
            case "-Infinity": return -.infinity
            default: return Double(text)
            }
        }
    }
    public func double(_ row: Int, _ column: String) throws -> Double? { try double(row, columnIndex(column)) }

    public func decimal(_ row: Int, _ column: Int) throws -> Decimal? {
        try parse(row, column, "numeric") { Decimal(string: $0, locale: Locale(identifier: "en_US_POSIX")) }
    }
    public func decimal(_ row: Int, _ column: String) throws -> Decimal? { try decimal(row, columnIndex(column)) }

    public func bool(_ row: Int, _ column: Int) throws -> Bool? {
        try parse(row, column, "boolean") { $0 == "t" ? true : ($0 == "f" ? false : nil) }
    }
    public func bool(_ row: Int, _ column: String) throws -> Bool? { try bool(row, columnIndex(column)) }

    /// A `bytea` value (hex output format).
    public func bytes(_ row: Int, _ column: Int) throws -> [UInt8]? {
        try parse(row, column, "bytea") { text in
            text.hasPrefix("\\x") ? PGHex.decode(text.dropFirst(2)) : nil
        }
    }
    public func bytes(_ row: Int, _ column: String) throws -> [UInt8]? { try bytes(row, columnIndex(column)) }

    /// The single value of a one-row, one-column result (such as `SELECT count(*)`), as Int.
    public func scalarInt() throws -> Int {
        guard rows.count == 1, columns.count >= 1 else {
            throw PGError(kind: .decoding, message: "expected one row with one column, got \(rows.count) rows")
        }
        guard let value = try int(0, 0) else {
            throw PGError(kind: .decoding, message: "expected a number in column '\(columns[0])', got NULL")
        }
        return value
    }

    private func parse<T>(_ row: Int, _ column: Int, _ typeName: String, _ convert: (String) -> T?) throws -> T? {
        guard let text = try string(row, column) else { return nil }
        guard let value = convert(text) else {
            throw PGError(kind: .decoding, message: "column '\(columns[column])' row \(row): '\(text.prefix(60))' is not a valid \(typeName)")
        }
        return value
    }
}
