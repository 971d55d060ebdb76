import Foundation
import OrchPostgres

/// Applies the warehouse DDL files (`NNNN_name.sql`) of a directory in order, each once.
///
/// Applied files are recorded in `meta.schema_migrations` with an MD5 checksum of their text. A file that was
/// applied and later edited is an error naming it (add a new numbered file instead). Each file runs in its own
/// transaction together with its record, under an advisory lock so two migrators never race.
public struct WarehouseMigrator: Sendable {
    /// An error that names the migration file and what to do.
    public struct MigrationError: Error, CustomStringConvertible, Sendable {
        public var file: String
        public var message: String
        public var description: String { "warehouse migration \(file): \(message)" }
    }

    public let connection: PGConnection
    /// Directory holding the `.sql` files (the repository's `migrations/warehouse`).
    public let directory: String

    public init(connection: PGConnection, directory: String) {
        self.connection = connection
        self.directory = directory
    }

    /// The migration files in the directory, sorted by name.
    public func files() throws -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw MigrationError(file: directory, message: "directory not found; pass the path of migrations/warehouse")
        }
        let names = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".sql") }.sorted()
        for name in names where name.prefix(while: \.isNumber).count < 4 {
            throw MigrationError(file: name, message: "file name must start with a 4-digit number, like 0006_add_table.sql")
        }
        return names
    }

    /// Applies the files not yet applied; returns their names. Verifies the checksums of the others.
    @discardableResult
    public func migrate() throws -> [String] {
        let names = try files()
        try connection.executeScript("""
            CREATE SCHEMA IF NOT EXISTS meta;
            CREATE TABLE IF NOT EXISTS meta.schema_migrations (
                filename text PRIMARY KEY, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now());
            """)
        var applied: [String] = []
        try connection.transaction {
            // One migrator at a time; the lock ends with this transaction.
            try connection.execute("SELECT pg_advisory_xact_lock($1)", [Int64(0x6f72_6368_7768)])
            let done = try connection.execute("SELECT filename, checksum FROM meta.schema_migrations")
            var known: [String: String] = [:]
            for row in done.rows { if let f = row[0], let c = row[1] { known[f] = c } }
            for name in names {
                let sql = try String(contentsOfFile: directory + "/" + name, encoding: .utf8)
                let checksum = try connection.execute("SELECT md5($1)", [sql]).string(0, 0) ?? ""
                if let previous = known[name] {
                    guard previous == checksum else {
                        throw MigrationError(file: name, message: "was edited after it was applied (checksum \(previous) → \(checksum)); restore it and add a new numbered migration instead")
                    }
                    continue
                }
                do {
                    try connection.transaction { try connection.executeScript(sql) }
                } catch {
                    throw MigrationError(file: name, message: "failed: \(error)")
                }
                try connection.execute("INSERT INTO meta.schema_migrations (filename, checksum) VALUES ($1, $2)", [name, checksum])
                applied.append(name)
            }
        }
        return applied
    }
}
