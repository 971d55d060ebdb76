import Foundation
import OrchSQLite
import Testing
@testable import OrchStore

/// Numbered migrations on an empty and an existing database; an edited applied file is refused.
@Suite struct MigratorTests {
    /// Copies the real migrations into a temporary folder that a test may edit.
    private func copyMigrations(to dir: TempDir) throws -> URL {
        let target = dir.url.appendingPathComponent("migrations")
        try FileManager.default.copyItem(at: stateMigrations, to: target)
        return target
    }

    private func tables(_ db: SQLiteConnection) throws -> Set<String> {
        Set(try db.query("SELECT name FROM sqlite_master WHERE type = 'table'").compactMap { $0["name"].string })
    }

    @Test func anEmptyDatabaseGetsEveryMigrationWithChecksums() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let db = try SQLiteConnection(path: dir.path("empty.db"))
        let migrator = Migrator(directory: stateMigrations)
        let files = try migrator.migrations()
        #expect(files.map(\.version) == Array(1...files.count))
        let applied = try migrator.migrate(db)
        #expect(applied == files.map(\.name))
        #expect(try tables(db).isSuperset(of: ["dag", "dag_run", "task_instance", "task_attempt", "xcom",
                                               "scheduler_lease", "pool", "alert", "schema_migrations"]))
        let rows = try db.query("SELECT version, name, checksum FROM schema_migrations ORDER BY version")
        #expect(rows.map { $0["checksum"].string } == files.map(\.checksum))
        #expect(try db.queryOne("SELECT slots FROM pool WHERE name = 'default_pool'")?["slots"].int == 128)
    }

    @Test func anExistingDatabaseKeepsItsDataAndGetsOnlyNewMigrations() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let migrations = try copyMigrations(to: dir)
        let db = try SQLiteConnection(path: dir.path("existing.db"))
        try Migrator(directory: migrations).migrate(db)
        _ = try db.execute("INSERT INTO pool (name, slots) VALUES ('kept', 3)")
        #expect(try Migrator(directory: migrations).migrate(db).isEmpty)

        try "CREATE TABLE extra (id INTEGER PRIMARY KEY);\n"
            .write(to: migrations.appendingPathComponent("0099_extra.sql"), atomically: true, encoding: .utf8)
        #expect(try Migrator(directory: migrations).migrate(db) == ["0099_extra.sql"])
        #expect(try tables(db).contains("extra"))
        #expect(try db.queryOne("SELECT slots FROM pool WHERE name = 'kept'")?["slots"].int == 3)
        #expect(try db.queryOne("SELECT count(*) AS n FROM schema_migrations")?["n"].int == (try Migrator(directory: stateMigrations).migrations().count) + 1)
    }

    @Test func anEditedAppliedMigrationIsRefused() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let migrations = try copyMigrations(to: dir)
        let db = try SQLiteConnection(path: dir.path("edited.db"))
        try Migrator(directory: migrations).migrate(db)
        let file = migrations.appendingPathComponent("0001_init.sql")
        let text = try String(contentsOf: file, encoding: .utf8)
        try (text + "\n-- an innocent-looking edit\n").write(to: file, atomically: true, encoding: .utf8)
        do {
            try Migrator(directory: migrations).migrate(db)
            Issue.record("an edited applied migration was accepted")
        } catch let e as MigrationError {
            #expect(e.message.contains("0001_init.sql"))
            #expect(e.message.contains("changed after it was applied"))
            #expect(e.message.contains("add a new migration"))
        }
        // The store refuses to open on such a database too.
        #expect(throws: MigrationError.self) {
            _ = try SQLiteStateStore(path: dir.path("edited.db"), migrationsDirectory: migrations)
        }
    }

    @Test func aFailingMigrationLeavesNothingBehind() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let migrations = try copyMigrations(to: dir)
        try "CREATE TABLE half (id INTEGER);\nTHIS IS NOT SQL;\n"
            .write(to: migrations.appendingPathComponent("0050_broken.sql"), atomically: true, encoding: .utf8)
        let db = try SQLiteConnection(path: dir.path("broken.db"))
        #expect(throws: (any Error).self) { try Migrator(directory: migrations).migrate(db) }
        #expect(try !tables(db).contains("half"))
        #expect(try db.queryOne("SELECT 1 FROM schema_migrations WHERE version = 50") == nil)
        // The earlier files were applied and stay applied.
        #expect(try tables(db).contains("dag_run"))
    }

    @Test func badFileNamesAreErrors() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        try "SELECT 1;".write(to: dir.url.appendingPathComponent("init.sql"), atomically: true, encoding: .utf8)
        #expect { try Migrator(directory: dir.url).migrations() } throws: {
            ($0 as? MigrationError)?.message.contains("must start with a version number") == true
        }
        try FileManager.default.removeItem(at: dir.url.appendingPathComponent("init.sql"))
        try "SELECT 1;".write(to: dir.url.appendingPathComponent("0001_a.sql"), atomically: true, encoding: .utf8)
        try "SELECT 1;".write(to: dir.url.appendingPathComponent("001_b.sql"), atomically: true, encoding: .utf8)
        #expect { try Migrator(directory: dir.url).migrations() } throws: {
            ($0 as? MigrationError)?.message.contains("two migration files have version 1") == true
        }
    }
}
