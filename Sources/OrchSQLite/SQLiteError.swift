/// An error from SQLite, with its result code and message.
public struct SQLiteError: Error, CustomStringConvertible, Sendable {
    public let code: Int32
    public let message: String
    public let sql: String?

    public var description: String {
        if let sql { return "SQLite error \(code): \(message) (in: \(sql.prefix(120)))" }
        return "SQLite error \(code): \(message)"
    }

    /// SQLITE_BUSY or SQLITE_LOCKED: another connection holds a lock.
    public var isBusy: Bool { code & 0xff == 5 || code & 0xff == 6 }
    /// SQLITE_CONSTRAINT.
    public var isConstraint: Bool { code & 0xff == 19 }
    /// SQLITE_FULL or an I/O error: the disk is full or failing.
    public var isDiskProblem: Bool { code & 0xff == 13 || code & 0xff == 10 }
}
