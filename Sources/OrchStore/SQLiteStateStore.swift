import Foundation
import OrchCore
import OrchSQLite

/// The state database over SQL: one SQLite file (WAL), the default, or a PostgreSQL database
/// (`ORCH_STATE_DSN`), with the same statements on both (see ``StateDatabase``). One connection per store, used
/// under a lock; other processes (task children, the CLI, a web server) open their own stores on the same
/// database.
public final class SQLStateStore: StateStore, @unchecked Sendable {
    let db: any StateDatabase
    private let lock = NSLock()
    /// Calls of ``dataVersion()`` on PostgreSQL (each answers a new version). Guarded by `lock`.
    var postgresVersionCalls = 0
    /// The lease engine batches are written under (nil: not fenced). Guarded by `fenceLock`.
    var fence: LeaseFence?
    let fenceLock = NSLock()
    /// Set by ``insertAlerts(_:now:)`` inside a ``write(_:)``: its commit is counted in ``OutboxWrites``. Guarded by
    /// `lock`.
    var wroteAlerts = false
    /// Where the database is, as another process opens it: the file path, or the PostgreSQL URI.
    public let path: String
    public let location: StateLocation

    /// Opens the database and applies missing migrations (unless `migrate` is false). An existing zero-byte file
    /// is refused (`EmptyDatabaseFile`) unless `initializeEmptyFile` is true (`orch db migrate --init`).
    public convenience init(path: String, migrationsDirectory: URL? = nil, migrate: Bool = true,
                            initializeEmptyFile: Bool = false) throws {
        try self.init(location: .sqlite(path: path), migrationsDirectory: migrationsDirectory, migrate: migrate,
                      initializeEmptyFile: initializeEmptyFile)
    }

    /// Opens the database at `location` (a SQLite file or a PostgreSQL database) and applies missing migrations
    /// (`migrations/state` or `migrations/state-postgres`) unless `migrate` is false.
    public init(location: StateLocation, migrationsDirectory: URL? = nil, migrate: Bool = true,
                initializeEmptyFile: Bool = false) throws {
        self.location = location
        path = location.locator
        var created: String?
        do {
            switch location {
            case .sqlite(let path):
                if !initializeEmptyFile { try EmptyDatabaseCheck.verify(path) }
                if !FileManager.default.fileExists(atPath: path) { created = path }
                db = try SQLiteConnection(path: path)
            case .postgres(let dsn):
                db = try PostgresStateDatabase(conninfo: dsn)
            }
            if migrate {
                let dir = try migrationsDirectory ?? Migrator.locateStateMigrations(for: db.dialect)
                try SQLiteError.retryingWhileBusy { try Migrator(directory: dir).migrate(db) }
            }
        } catch {
            // A first start that could not write the new database's first page for lack of space leaves no
            // zero-byte file behind, which every later start would refuse as a lost database. Only then: another
            // connection may be creating the same file right now (its pages still in the WAL).
            if let created, DiskFull.caused(error) { EmptyDatabaseCheck.removeIfEmpty(created) }
            throw error
        }
    }

    /// Which database this store is on.
    public var dialect: SQLDialect { db.dialect }

    /// Runs `body` holding the connection lock. Busy errors are retried: a long read elsewhere never
    /// reaches the user as "database is locked".
    @discardableResult
    func locked<T>(_ body: () throws -> T) throws -> T {
        lock.lock()
        defer { lock.unlock() }
        return try SQLiteError.retryingWhileBusy(body)
    }

    @discardableResult
    func write<T>(_ body: () throws -> T) throws -> T {
        try locked {
            wroteAlerts = false
            let result = try db.transaction(body)
            if wroteAlerts { OutboxWrites.noteCommitted() }   // committed: the dispatcher can claim them now
            return result
        }
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

/// The name most of the code base knows the store by (it was SQLite-only); the same class.
public typealias SQLiteStateStore = SQLStateStore

extension SQLStateStore {
    /// Applies pending migrations; returns the files applied now.
    public func applyMigrations(directory: URL? = nil) throws -> [String] {
        let dir = try directory ?? Migrator.locateStateMigrations(for: db.dialect)
        return try locked { try Migrator(directory: dir).migrate(db) }
    }
}
