import Foundation
import OrchCore
import OrchSQLite

/// The state database in one SQLite file (WAL). One connection per store, used under a lock;
/// other processes (task children, the CLI, a web server) open their own stores on the same file.
public final class SQLiteStateStore: StateStore, @unchecked Sendable {
    let db: SQLiteConnection
    private let lock = NSLock()
    public let path: String

    /// Opens the database and applies missing migrations (unless `migrate` is false). An existing zero-byte file
    /// is refused (`EmptyDatabaseFile`) unless `initializeEmptyFile` is true (`orch db migrate --init`).
    public init(path: String, migrationsDirectory: URL? = nil, migrate: Bool = true,
                initializeEmptyFile: Bool = false) throws {
        self.path = path
        if !initializeEmptyFile { try EmptyDatabaseCheck.verify(path) }
        db = try SQLiteConnection(path: path)
        if migrate {
            let dir = try migrationsDirectory ?? Migrator.locateStateMigrations()
            try withRetryOnBusy { try Migrator(directory: dir).migrate(db) }
        }
    }

    /// Runs `body` holding the connection lock. Busy errors are retried: a long read elsewhere never
    /// reaches the user as "database is locked".
    @discardableResult
    func locked<T>(_ body: () throws -> T) throws -> T {
        lock.lock()
        defer { lock.unlock() }
        return try withRetryOnBusy(body)
    }

    @discardableResult
    func write<T>(_ body: () throws -> T) throws -> T {
        try locked { try db.transaction(body) }
    }

    @discardableResult
    private func withRetryOnBusy<T>(_ body: () throws -> T) throws -> T {
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

// Row decoding helpers.
extension SQLiteValue {
    var date: Date? { double.map { Date(timeIntervalSince1970: $0) } }
}

extension Date {
    var unix: Double { timeIntervalSince1970 }
}

extension Optional where Wrapped == Date {
    var unix: Double? { self?.timeIntervalSince1970 }
}

func jsonObject(_ text: String?) -> [String: JSONValue] {
    guard let text, let v = try? JSONValue.parse(text) else { return [:] }
    return v.objectValue ?? [:]
}

extension SQLiteStateStore {
    /// Applies pending migrations; returns the files applied now.
    public func applyMigrations(directory: URL? = nil) throws -> [String] {
        let dir = try directory ?? Migrator.locateStateMigrations()
        return try locked { try Migrator(directory: dir).migrate(db) }
    }
}
