import Foundation

/// Where the state database is: a SQLite file (the default, one machine) or a PostgreSQL database
/// (`ORCH_STATE_DSN=postgresql://…`). Written as one string wherever a process hands the location to another
/// (a task process opens the same database for XCom).
public enum StateLocation: Sendable, Equatable, CustomStringConvertible {
    case sqlite(path: String)
    /// A libpq connection URI; its `options=-csearch_path=…` names the schema (default `public`).
    case postgres(dsn: String)

    /// The environment variable that selects PostgreSQL.
    public static let dsnVariable = "ORCH_STATE_DSN"

    /// A `postgresql://` or `postgres://` URI is PostgreSQL; anything else is a file path.
    public init(_ text: String) {
        self = Self.isPostgres(text) ? .postgres(dsn: text) : .sqlite(path: text)
    }

    /// `ORCH_STATE_DSN` when set and not empty, else the SQLite file `defaultPath`. A DSN that is not a
    /// PostgreSQL URI is refused rather than taken for a file name.
    public static func fromEnvironment(_ env: [String: String] = ProcessInfo.processInfo.environment,
                                       defaultPath: String) throws -> StateLocation {
        guard let dsn = env[dsnVariable], !dsn.isEmpty else { return .sqlite(path: defaultPath) }
        guard isPostgres(dsn) else {
            throw StoreError.invalid("\(dsnVariable) must be a PostgreSQL URI such as "
                + "postgresql://user:password@127.0.0.1:5432/orch; unset it to keep the state in \(defaultPath)")
        }
        return .postgres(dsn: dsn)
    }

    static func isPostgres(_ text: String) -> Bool {
        text.hasPrefix("postgresql://") || text.hasPrefix("postgres://")
    }

    /// The string another process opens the same database from.
    public var locator: String {
        switch self {
        case .sqlite(let path): return path
        case .postgres(let dsn): return dsn
        }
    }

    /// For messages and logs: the file, or the PostgreSQL URI with its password replaced by `***`.
    public var description: String {
        switch self {
        case .sqlite(let path): return path
        case .postgres(let dsn): return Self.redacted(dsn)
        }
    }

    /// `postgresql://user:***@host/db`: a URI's password hidden (and a `password=` parameter's).
    public static func redacted(_ dsn: String) -> String {
        var text = dsn
        if let scheme = text.range(of: "://"), let at = text[scheme.upperBound...].firstIndex(of: "@") {
            let userInfo = text[scheme.upperBound..<at]
            if let colon = userInfo.firstIndex(of: ":") {
                text.replaceSubrange(text.index(after: colon)..<at, with: "***")
            }
        }
        if let range = text.range(of: "password=") {
            let end = text[range.upperBound...].firstIndex(where: { $0 == "&" || $0 == " " }) ?? text.endIndex
            text.replaceSubrange(range.upperBound..<end, with: "***")
        }
        return text
    }
}
