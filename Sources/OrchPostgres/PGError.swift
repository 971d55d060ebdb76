/// An error from PostgreSQL or libpq.
///
/// `sqlState` carries the five-character SQLSTATE when the server reported one (for example `42601` for a
/// syntax error, `23505` for a unique violation). Messages never contain the connection password.
public struct PGError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What kind of operation failed.
    public enum Kind: String, Sendable {
        /// The connection could not be opened or was lost.
        case connection
        /// A statement failed on the server.
        case query
        /// A COPY FROM STDIN stream failed.
        case copy
        /// A value in a result could not be read as the asked type.
        case decoding
        /// The caller passed something unusable (for example a bad conninfo or column name).
        case usage
    }

    public var kind: Kind
    /// SQLSTATE code, when the server sent one.
    public var sqlState: String?
    /// The primary message.
    public var message: String
    public var detail: String?
    public var hint: String?
    /// The statement that failed, when there was one (parameters are never included).
    public var statement: String?

    public init(kind: Kind, sqlState: String? = nil, message: String, detail: String? = nil, hint: String? = nil,
                statement: String? = nil) {
        self.kind = kind
        self.sqlState = sqlState
        self.message = message
        self.detail = detail
        self.hint = hint
        self.statement = statement
    }

    public var description: String {
        var text = "PostgreSQL \(kind.rawValue) error"
        if let sqlState { text += " [\(sqlState)]" }
        text += ": \(message)"
        if let detail { text += " (detail: \(detail))" }
        if let hint { text += " (hint: \(hint))" }
        if let statement {
            let short = statement.count > 300 ? String(statement.prefix(300)) + "…" : statement
            text += " — statement: \(short)"
        }
        return text
    }
}
