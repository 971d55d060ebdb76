#if canImport(Glibc)
import Glibc
#endif

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

    /// `body`, run again while it fails because another connection holds a lock (``isBusy``): 40 tries, 2 ms
    /// apart at first, doubling to 200 ms (some 7 s in all), for the locks SQLite refuses at once without calling
    /// the busy handler (a lock upgrade it would deadlock on, a database switching to WAL).
    @discardableResult
    public static func retryingWhileBusy<T>(_ body: () throws -> T) throws -> T {
        var delay: UInt32 = 2_000
        for attempt in 0..<40 {
            do { return try body() } catch let e as SQLiteError where e.isBusy && attempt < 39 {
                usleep(delay)
                delay = min(delay * 2, 200_000)
            }
        }
        return try body()
    }
}
