import Foundation
import OrchSQLite

/// Applies numbered SQL files (`0001_name.sql`, …) in order, once each, recording a checksum.
/// An already-applied file whose content changed is an error: migrations are append-only.
public struct Migrator: Sendable {
    public let directory: URL

    public init(directory: URL) { self.directory = directory }

    public struct Migration: Sendable {
        public let version: Int
        public let name: String
        public let sql: String
        public var checksum: String { fnv1a64Hex(sql) }
    }

    /// The migration files, in version order.
    public func migrations() throws -> [Migration] {
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path)
            .filter { $0.hasSuffix(".sql") }.sorted()
        var seen: Set<Int> = []
        return try files.map { file in
            guard let version = Int(file.prefix { $0.isNumber }), version > 0 else {
                throw MigrationError("migration file '\(file)' must start with a version number, like 0003_add_index.sql")
            }
            guard seen.insert(version).inserted else {
                throw MigrationError("two migration files have version \(version) in \(directory.path)")
            }
            let sql = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
            return Migration(version: version, name: file, sql: sql)
        }
    }

    /// Applies what is missing; returns the names applied now. Each step is a write transaction, so processes
    /// starting on a new database together take turns (SQLite's `BEGIN IMMEDIATE`, PostgreSQL's advisory lock of
    /// ``StateDatabase/transaction(_:)``), and each migration looks again whether another process applied it
    /// meanwhile. The bookkeeping table is made in one too: on PostgreSQL a `CREATE TABLE IF NOT EXISTS` beside a
    /// concurrent one fails (23505 on pg_type; `orch serve`'s scheduler and web server open a new schema at once).
    @discardableResult
    public func migrate(_ db: any StateDatabase) throws -> [String] {
        try db.transaction {
            try db.executeScript("""
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version INTEGER PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL,
                    applied_at DOUBLE PRECISION NOT NULL)
                """)
        }
        func applied() throws -> [Int: (String, String)] {
            Dictionary(uniqueKeysWithValues: try db.query("SELECT version, name, checksum FROM schema_migrations")
                .map { ($0["version"].int ?? 0, ($0["name"].string ?? "", $0["checksum"].string ?? "")) })
        }
        let before = try applied()
        var done: [String] = []
        for m in try migrations() {
            if let (name, checksum) = before[m.version] {
                guard checksum == m.checksum else {
                    throw MigrationError("migration \(name) was changed after it was applied (checksum \(checksum), file now \(m.checksum)); add a new migration instead of editing an applied one")
                }
                continue
            }
            let appliedNow = try db.transaction { () throws -> Bool in
                guard try db.queryOne("SELECT 1 FROM schema_migrations WHERE version = ?", [m.version]) == nil else {
                    return false
                }
                try db.executeScript(m.sql)
                try db.execute("INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (?, ?, ?, ?)",
                               [m.version, m.name, m.checksum, Date().timeIntervalSince1970])
                return true
            }
            if appliedNow { done.append(m.name) }
        }
        return done
    }

    /// Finds `migrations/state` (SQLite) or `migrations/state-postgres`: $ORCH_MIGRATIONS_DIR (SQLite) or
    /// $ORCH_PG_MIGRATIONS_DIR (PostgreSQL), else walking up from the executable and the working directory.
    public static func locateStateMigrations(for dialect: SQLDialect = .sqlite) throws -> URL {
        let (variable, folder) = dialect == .sqlite ? ("ORCH_MIGRATIONS_DIR", "migrations/state")
                                                    : ("ORCH_PG_MIGRATIONS_DIR", "migrations/state-postgres")
        if let env = ProcessInfo.processInfo.environment[variable], !env.isEmpty {
            return URL(fileURLWithPath: env)
        }
        if let found = BundledFolder.locate(folder, containing: "0001_init.sql") { return found }
        throw MigrationError("cannot find \(folder); set \(variable) to the folder holding 0001_init.sql")
    }
}

public struct MigrationError: Error, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// FNV-1a 64-bit: a stable checksum that needs no crypto library.
func fnv1a64Hex(_ text: String) -> String {
    var h: UInt64 = 0xcbf29ce484222325
    for b in text.utf8 { h ^= UInt64(b); h = h &* 0x100000001b3 }
    return String(h, radix: 16)
}
