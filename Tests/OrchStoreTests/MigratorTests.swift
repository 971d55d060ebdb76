import Foundation
import OrchCore
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

    /// A database migrated up to (not including) `version`, the migrations folder holding only those files, and
    /// the folder the later files wait in (``restoreMigrations(from:to:)`` puts them back).
    private func databaseMigratedUpTo(_ version: String, in dir: TempDir) throws -> (SQLiteConnection, URL, URL) {
        let migrations = try copyMigrations(to: dir)
        let later = dir.url.appendingPathComponent("later")
        try FileManager.default.createDirectory(at: later, withIntermediateDirectories: true)
        for name in try FileManager.default.contentsOfDirectory(atPath: migrations.path) where name >= version {
            try FileManager.default.moveItem(at: migrations.appendingPathComponent(name),
                                             to: later.appendingPathComponent(name))
        }
        let db = try SQLiteConnection(path: dir.path("old.db"))
        try Migrator(directory: migrations).migrate(db)
        return (db, migrations, later)
    }

    private func restoreMigrations(from later: URL, to migrations: URL) throws {
        for name in try FileManager.default.contentsOfDirectory(atPath: later.path) {
            try FileManager.default.moveItem(at: later.appendingPathComponent(name),
                                             to: migrations.appendingPathComponent(name))
        }
    }

    private func tables(_ db: SQLiteConnection) throws -> Set<String> {
        Set(try db.query("SELECT name FROM sqlite_master WHERE type = 'table'").compactMap { $0["name"].string })
    }

    @Test func anEmptyDatabaseGetsEveryMigrationWithChecksums() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let db = try SQLiteConnection(path: dir.path("empty.db"))
        let migrator = Migrator(directory: stateMigrations)
        let files = try migrator.migrations()
        // Increasing, unique versions; gaps are allowed (numbers are handed out to parallel branches ahead of merging).
        #expect(files.map(\.version) == Set(files.map(\.version)).sorted() && files.first?.version == 1)
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

    /// 0005 adds trigger-kept run counts: on a database that already has runs, it must count them.
    @Test func runCountsMigrationCountsTheRunsAlreadyThere() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let (db, migrations, later) = try databaseMigratedUpTo("0005", in: dir)
        for i in 0..<7 {
            try db.execute("""
                INSERT INTO dag_run (dag_id, run_id, run_type, state, logical_date, interval_start, interval_end,
                                     queued_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, [i < 5 ? "a" : "b", "r\(i)", i % 2 == 0 ? "scheduled" : "manual", i < 3 ? "success" : "queued",
                      Double(i), Double(i), Double(i + 1), Double(i)])
        }
        try restoreMigrations(from: later, to: migrations)
        #expect(try Migrator(directory: migrations).migrate(db).first == "0005_run_counts.sql")
        let counted = try db.query("SELECT dag_id, state, run_type, n FROM dag_run_count ORDER BY 1, 2, 3")
            .map { "\($0["dag_id"].string!) \($0["state"].string!) \($0["run_type"].string!) \($0["n"].int!)" }
        #expect(counted == ["a queued manual 1", "a queued scheduled 1", "a success manual 1", "a success scheduled 2",
                            "b queued manual 1", "b queued scheduled 1"])
        try db.execute("UPDATE dag_run SET state = 'running' WHERE run_id = 'r6'")   // and the triggers keep them
        #expect(try db.queryOne("SELECT n FROM dag_run_count WHERE dag_id = 'b' AND state = 'running'")?["n"].int == 1)
        #expect(try db.queryOne("SELECT n FROM dag_run_count WHERE dag_id = 'b' AND state = 'queued' AND run_type = 'scheduled'")?["n"].int == 0)
    }

    /// 0017 rebuilds task_instance (its CHECK as ORs): every row and state survives, the rule stays the same.
    @Test func theWritePathMigrationKeepsEveryTaskInstanceAndItsStateRule() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let (db, migrations, later) = try databaseMigratedUpTo("0017", in: dir)
        try db.execute("""
            INSERT INTO dag_run (dag_id, run_id, run_type, state, logical_date, interval_start, interval_end, queued_at)
            VALUES ('d', 'r', 'manual', 'running', 1, 1, 2, 1)
            """)
        let states = TaskState.allCases.map(\.rawValue)
        for (i, state) in states.enumerated() {
            try db.execute("INSERT INTO task_instance (run_pk, task_id, state, try_number, error) VALUES (1, ?, ?, ?, ?)",
                           ["t\(i)", state, i, "e\(i)"])
        }
        try restoreMigrations(from: later, to: migrations)
        #expect(try Migrator(directory: migrations).migrate(db).first == "0017_engine_write_path.sql")
        let rows = try db.query("SELECT task_id, state, try_number, error FROM task_instance ORDER BY try_number")
        #expect(rows.map { $0["state"].string ?? "" } == states)
        #expect(rows.map { $0["error"].string ?? "" } == states.indices.map { "e\($0)" })
        #expect(throws: SQLiteError.self) {
            try db.execute("INSERT INTO task_instance (run_pk, task_id, state) VALUES (1, 'bad', 'stuck')")
        }
        #expect(try db.execute("DELETE FROM dag_run WHERE id = 1") == 1)
        #expect(try db.queryOne("SELECT count(*) AS n FROM task_instance")?["n"].int == 0, "the cascade is kept")
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
