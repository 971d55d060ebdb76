import CLibPQ
import Foundation

extension PGConnection {
    /// Runs one statement with parameters `$1, $2, …` sent apart from the SQL text (PQexecParams, text format).
    ///
    /// - Parameters:
    ///   - sql: one SQL statement; refer to parameters as `$1`, `$2`, … (cast when the type is ambiguous).
    ///   - params: values for the parameters; `nil` sends SQL NULL.
    /// - Returns: the rows (for a query) and the affected-row count.
    /// - Throws: `PGError` with the server's SQLSTATE and message.
    @discardableResult
    public func execute(_ sql: String, _ params: [(any PGValue)?] = []) throws -> PGResult {
        lock.lock(); defer { lock.unlock() }
        let conn = try requireHandle()
        let texts = params.map { $0?.pgText }
        let cStrings: [UnsafeMutablePointer<CChar>?] = texts.map { $0.flatMap { strdup($0) } }
        defer { cStrings.forEach { free($0) } }
        let result: OpaquePointer? = cStrings.withUnsafeBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: UnsafePointer<CChar>?.self, capacity: max(buffer.count, 1)) { values in
                orch_PQexecParams(conn, sql, Int32(params.count), nil, params.isEmpty ? nil : values, nil, nil, 0)
            }
        }
        return try consume(result, sql: sql, conn: conn)
    }

    /// Runs several statements separated by semicolons, without parameters (for migrations and DDL).
    public func executeScript(_ sql: String) throws {
        lock.lock(); defer { lock.unlock() }
        let conn = try requireHandle()
        _ = try consume(orch_PQexec(conn, sql), sql: sql, conn: conn)
    }

    /// Turns a PGresult into a PGResult or a PGError, and frees it.
    func consume(_ result: OpaquePointer?, sql: String?, conn: OpaquePointer) throws -> PGResult {
        guard let result else {
            throw PGError(kind: .connection, message: String(cString: orch_PQerrorMessage(conn)).trimmingCharacters(in: .whitespacesAndNewlines), statement: sql)
        }
        defer { orch_PQclear(result) }
        switch orch_PQresultStatus(result) {
        case PGRES_TUPLES_OK, PGRES_COMMAND_OK, PGRES_EMPTY_QUERY, PGRES_COPY_IN:
            return Self.read(result)
        default:
            throw Self.error(from: result, conn: conn, sql: sql, kind: .query)
        }
    }

    static func read(_ result: OpaquePointer) -> PGResult {
        let columnCount = Int(orch_PQnfields(result))
        let rowCount = Int(orch_PQntuples(result))
        let columns = (0..<columnCount).map { String(cString: orch_PQfname(result, Int32($0))) }
        let types = (0..<columnCount).map { UInt32(orch_PQftype(result, Int32($0))) }
        var rows = [[String?]]()
        rows.reserveCapacity(rowCount)
        for r in 0..<rowCount {
            var row = [String?]()
            row.reserveCapacity(columnCount)
            for c in 0..<columnCount {
                if orch_PQgetisnull(result, Int32(r), Int32(c)) == 1 {
                    row.append(nil)
                } else {
                    row.append(String(cString: orch_PQgetvalue(result, Int32(r), Int32(c))))
                }
            }
            rows.append(row)
        }
        let tuples = String(cString: orch_PQcmdTuples(result))
        return PGResult(columns: columns, rows: rows, affectedRows: Int(tuples) ?? 0,
                        commandTag: String(cString: orch_PQcmdStatus(result)), types: types)
    }

    static func error(from result: OpaquePointer?, conn: OpaquePointer, sql: String?, kind: PGError.Kind) -> PGError {
        func field(_ code: Character) -> String? {
            guard let result, let p = orch_PQresultErrorField(result, Int32(code.asciiValue!)) else { return nil }
            return String(cString: p)
        }
        let primary = field("M") ?? String(cString: orch_PQerrorMessage(conn)).trimmingCharacters(in: .whitespacesAndNewlines)
        let lost = orch_PQstatus(conn) != CONNECTION_OK
        return PGError(kind: lost ? .connection : kind, sqlState: field("C"), message: primary.isEmpty ? "unknown error" : primary,
                       detail: field("D"), hint: field("H"), statement: sql)
    }
}
