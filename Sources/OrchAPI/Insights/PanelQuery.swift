import Foundation
import OrchCore
import OrchPostgres

/// The rows of one panel for one range.
struct PanelRows: Sendable {
    let columns: [String]
    /// Values as PostgreSQL writes them (numeric keeps its cents), nil for NULL.
    let rows: [[String?]]
    /// More rows existed than the row limit.
    let truncated: Bool
    let milliseconds: Double
}

/// Why a panel has no rows.
struct PanelQueryError: Error, CustomStringConvertible, Sendable {
    enum Kind: String, Sendable { case timeout, sql, connection, declaration }
    let kind: Kind
    let message: String
    var description: String { message }
}

/// Runs panel SQL the safe way: in a READ ONLY transaction, through a cursor (PostgreSQL refuses a cursor over
/// anything that writes), with `statement_timeout` set for the transaction, the range as `$1`/`$2`, and at most
/// `rowLimit` rows fetched. Errors carry PostgreSQL's message, never the connection string.
struct PanelQueryRunner: Sendable {
    let pool: ConnectionPool
    let statementTimeoutMs: Int
    let rowLimit: Int

    func run(sql: String, parameters: [Int], url: String, range: DateRange,
             connection: String = "warehouse") throws(PanelQueryError) -> PanelRows {
        let started = DispatchTime.now().uptimeNanoseconds
        let values: [(any PGValue)?] = (0..<(parameters.max() ?? 0)).map { $0 == 0 ? range.start : range.end }
        do {
            return try pool.with(url) { pg in
                try pg.execute("BEGIN READ ONLY")
                do {
                    try pg.execute("SET LOCAL statement_timeout = \(statementTimeoutMs)")
                    try pg.execute("DECLARE orch_panel NO SCROLL CURSOR FOR " + sql, values)
                    let result = try pg.execute("FETCH FORWARD \(rowLimit + 1) FROM orch_panel")
                    try pg.execute("ROLLBACK")
                    let ms = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e6
                    return PanelRows(columns: result.columns, rows: Array(result.rows.prefix(rowLimit)),
                                     truncated: result.rows.count > rowLimit, milliseconds: ms)
                } catch {
                    _ = try? pg.execute("ROLLBACK")
                    throw error
                }
            }
        } catch let error as PGError {
            throw Self.describe(error, timeoutMs: statementTimeoutMs, connection: connection,
                                connectTimeoutSeconds: pool.connectTimeoutSeconds)
        } catch {
            throw PanelQueryError(kind: .sql, message: "\(error)")
        }
    }

    /// Asks PostgreSQL to plan the query (nothing runs): syntax errors, unknown columns and types show at load.
    /// A table that does not exist yet (the warehouse not migrated) is not the declaration's fault: nil.
    func plan(sql: String, parameters: [Int], url: String) throws(PanelQueryError) {
        let values: [(any PGValue)?] = (0..<(parameters.max() ?? 0)).map { _ in "2000-01-01" }
        do {
            try pool.with(url) { pg in
                try pg.execute("BEGIN READ ONLY")
                defer { _ = try? pg.execute("ROLLBACK") }
                try pg.execute("SET LOCAL statement_timeout = \(statementTimeoutMs)")
                try pg.execute("DECLARE orch_plan NO SCROLL CURSOR FOR " + sql, values)
            }
        } catch let error as PGError {
            if error.sqlState == "42P01" || error.sqlState == "3F000" { return }
            throw Self.describe(error, timeoutMs: statementTimeoutMs)
        } catch {
            throw PanelQueryError(kind: .sql, message: "\(error)")
        }
    }

    static func describe(_ error: PGError, timeoutMs: Int, connection: String = "warehouse",
                         connectTimeoutSeconds: Int = 5) -> PanelQueryError {
        switch (error.kind, error.sqlState) {
        case (_, "57014"):
            return PanelQueryError(kind: .timeout, message: "the query was stopped at its timeout of \(timeoutMs) ms "
                + "(statement_timeout; ORCH_INSIGHTS_TIMEOUT_MS)")
        case (.connection, _):
            // libpq's own words name the host, port, database and user (never the password) and the reason:
            // refused, timeout expired, authentication failed.
            return PanelQueryError(kind: .connection, message: "the connection '\(connection)' cannot reach PostgreSQL: "
                + SecretMask.maskText(error.message) + " (orch waits at most \(connectTimeoutSeconds) s for a "
                + "connection unless its string sets connect_timeout; ORCH_INSIGHTS_CONNECT_TIMEOUT)")
        case (.usage, _):
            return PanelQueryError(kind: .connection, message: SecretMask.maskText(error.message))
        default:
            var text = error.message
            if let detail = error.detail { text += " (\(detail))" }
            if let hint = error.hint { text += " — hint: \(hint)" }
            return PanelQueryError(kind: .sql, message: SecretMask.maskText(text) + (error.sqlState.map { " [SQLSTATE \($0)]" } ?? ""))
        }
    }
}
