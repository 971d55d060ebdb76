import Foundation
import OrchCore
import OrchPostgres
import OrchSQLite
@testable import OrchStore
import OrchTestSupport
import Testing

/// What the PostgreSQL side of ``SQLStateStore`` adds to the shared contract: placeholders, locations, the same
/// schema as SQLite, and writers from several connections taking turns.
@Suite struct PostgresStateStoreTests {
    @Test(arguments: [
        ("SELECT 1 FROM t WHERE a = ? AND b IN (?, ?)", "SELECT 1 FROM t WHERE a = $1 AND b IN ($2, $3)"),
        ("WHERE (?1 IS NULL OR action = ?1) LIMIT ?2 OFFSET ?3", "WHERE ($1 IS NULL OR action = $1) LIMIT $2 OFFSET $3"),
        ("SELECT '?' AS q, \"a?\" FROM t WHERE x = ?", "SELECT '?' AS q, \"a?\" FROM t WHERE x = $1"),
        ("-- who? nobody\nSELECT ?", "-- who? nobody\nSELECT $1"),
        ("SELECT 'it''s ?', ?", "SELECT 'it''s ?', $1"),
    ])
    func placeholdersAreNumberedOutsideQuotesAndComments(_ sql: String, _ expected: String) {
        #expect(PlaceholderNumbering.numbered(sql) == expected)
    }

    @Test func aLocationIsAPostgresURIOrAFileAndMessagesHideThePassword() throws {
        #expect(StateLocation("/home/u/.orch/orch.db") == .sqlite(path: "/home/u/.orch/orch.db"))
        let dsn = "postgresql://orch:s3cret@127.0.0.1:5432/orch?options=-csearch_path%3Dx"
        #expect(StateLocation(dsn) == .postgres(dsn: dsn))
        #expect(StateLocation(dsn).description == "postgresql://orch:***@127.0.0.1:5432/orch?options=-csearch_path%3Dx")
        #expect(StateLocation.redacted("postgres://h/db?password=s3cret&sslmode=disable") == "postgres://h/db?password=***&sslmode=disable")
        #expect(try StateLocation.fromEnvironment([:], defaultPath: "/x/orch.db") == .sqlite(path: "/x/orch.db"))
        #expect(try StateLocation.fromEnvironment(["ORCH_STATE_DSN": dsn], defaultPath: "/x/orch.db") == .postgres(dsn: dsn))
        #expect(throws: StoreError.self) {
            try StateLocation.fromEnvironment(["ORCH_STATE_DSN": "host=db user=orch"], defaultPath: "/x/orch.db")
        }
    }

    /// Issue 19: on PostgreSQL the scheduler lease is written and judged by the database server's clock
    /// (`leaseClock()`, which the scheduler, its heartbeat thread, a standby and the health reports use), so hosts
    /// whose clocks disagree judge it alike. What a standby whose own clock ran 30 s ahead would have done is shown
    /// beside it: taken a live scheduler's lease.
    @Test func theLeaseIsJudgedByTheDatabaseServersClock() throws {
        let (store, schema) = try makePostgresStore(); defer { schema.drop() }
        let admin = try PGConnection(conninfo: schema.dsn)
        let before = try #require(try admin.execute("SELECT extract(epoch FROM clock_timestamp())::float8 AS t").double(0, "t"))
        let clock = try store.leaseClock().timeIntervalSince1970
        let after = try #require(try admin.execute("SELECT extract(epoch FROM clock_timestamp())::float8 AS t").double(0, "t"))
        #expect(before <= clock && clock <= after, "the server's clock, read between two reads of it")

        let ttl = 4.0
        #expect(try store.acquireLease(holder: "active", pid: 1, hostname: "host-a", now: try store.leaseClock(), ttl: ttl) { _ in true } == nil)
        #expect(try store.heartbeat(holder: "active", now: try store.leaseClock()))
        // A standby on another host, judging by the server's clock: the holder is fresh.
        let standby = try store.acquireLease(holder: "standby", pid: 2, hostname: "host-b", now: try store.leaseClock(), ttl: ttl) { _ in true }
        #expect(standby?.holder == "active")
        // The same standby judging by a clock 30 s ahead would have taken a live scheduler's lease.
        let skewed = try store.leaseClock().addingTimeInterval(30)
        #expect(try store.acquireLease(holder: "standby", pid: 2, hostname: "host-b", now: skewed, ttl: ttl) { _ in true } == nil)
        #expect(try store.lease()?.holder == "standby")
    }

    /// Both migration folders end at the same tables and columns: a migration added to one needs its twin.
    @Test func bothDatabasesHaveTheSameTablesAndColumns() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let sqlite = try makeStore(dir)
        let (postgres, schema) = try makePostgresStore(); defer { schema.drop() }
        var sqliteColumns: Set<String> = []
        for t in try sqlite.db.query("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'") {
            let table = try #require(t["name"].string)
            for c in try sqlite.db.query("SELECT name FROM pragma_table_info(?)", [table]) {
                sqliteColumns.insert("\(table).\(c["name"].string ?? "")")
            }
        }
        let postgresColumns = Set(try postgres.db.query("""
            SELECT table_name || '.' || column_name AS c FROM information_schema.columns WHERE table_schema = ?
            """, [schema.name]).compactMap { $0["c"].string })
        #expect(sqliteColumns.subtracting(postgresColumns).sorted() == [], "in SQLite only")
        #expect(postgresColumns.subtracting(sqliteColumns).sorted() == [], "in PostgreSQL only")
        #expect(sqliteColumns.count > 100)
    }

    /// The engine writes every attempt's start and end through the indexes of task_instance and task_attempt: both
    /// backends keep only their keys there (migrations/state/0017). (The ids inserts return: StateStoreContractTests.)
    @Test func theAttemptTablesKeepOnlyTheirKeys() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let sqlite = try makeStore(dir)
        let (postgres, schema) = try makePostgresStore(); defer { schema.drop() }
        let sqliteIndexes = try sqlite.db.query("""
            SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name IN ('task_instance', 'task_attempt')
            """).compactMap { $0["name"].string }
        #expect(sqliteIndexes == ["sqlite_autoindex_task_attempt_1"], "the UNIQUE (run_pk, task_id, try_number) only")
        let postgresIndexes = Set(try postgres.db.query("""
            SELECT indexname FROM pg_indexes WHERE schemaname = ? AND tablename IN ('task_instance', 'task_attempt')
            """, [schema.name]).compactMap { $0["indexname"].string })
        #expect(!postgresIndexes.contains("task_instance_active") && !postgresIndexes.contains("task_attempt_by_run"))
        #expect(postgresIndexes.count == 3, "the two primary keys and the UNIQUE: \(postgresIndexes.sorted())")
    }

    /// The server ends the store's session (as a restart or failover does): the statement that finds out fails,
    /// the next one reconnects and works, and nothing written before is lost.
    @Test func aSessionTheServerEndedIsOpenedAgainForTheNextStatement() throws {
        let (store, schema) = try makePostgresStore(); defer { schema.drop() }
        let run = try store.createRun(dagId: "d", runId: "r1", runType: .manual, interval: day, conf: [:],
                                      tasks: [("t", 1)], owner: nil, now: Date())
        let pid = try #require(try store.db.queryOne("SELECT pg_backend_pid() AS pid")?["pid"].int64)
        let other = try SQLStateStore(location: store.location, migrate: false)
        _ = try other.db.query("SELECT pg_terminate_backend(?) AS ended", [pid])
        var failures = 0
        var found: RunRecord?
        for _ in 0..<3 where found == nil {
            do { found = try store.run(pk: run.pk) } catch { failures += 1 }
        }
        #expect(found?.runId == "r1", "the store did not reconnect")
        #expect(failures <= 1, "only the statement that found the session gone fails")
        #expect(try store.db.queryOne("SELECT pg_backend_pid() AS pid")?["pid"].int64 != pid, "a new session")
        // Writes work again too, in a transaction.
        let second = try store.createRun(dagId: "d", runId: "r2", runType: .manual, interval: day,
                                         logicalDate: Date.utc(2026, 11, 1, 1), conf: [:], tasks: [("t", 1)],
                                         owner: nil, now: Date())
        #expect(try store.run(pk: second.pk)?.runId == "r2")
    }

    /// Stores opening a new schema at the same moment (`orch serve`'s scheduler and web server on a first start)
    /// all open, each migration applied once: one of them failed with 23505 on `CREATE TABLE IF NOT EXISTS
    /// schema_migrations` while that ran outside a write transaction.
    @Test func storesOpeningANewSchemaTogetherAllMigrateIt() throws {
        for _ in 0..<5 {
            let schema = try PostgresTestSchema(prefix: "migr"); defer { schema.drop() }
            let opened = runTogether(3) { _ = try SQLStateStore(location: .postgres(dsn: schema.dsn)) }
            #expect(failures(opened).isEmpty, "\(failures(opened))")
            let store = try SQLStateStore(location: .postgres(dsn: schema.dsn), migrate: false)
            let versions = try store.db.query("SELECT version FROM schema_migrations ORDER BY version", []).compactMap { $0["version"].int }
            #expect(!versions.isEmpty && versions == Array(Set(versions)).sorted())
        }
    }

    /// Writers on separate connections take turns (the advisory lock): concurrent triggers of the same run id
    /// each get their own suffix, none fails on the unique constraint.
    @Test func concurrentWritersOnSeveralConnectionsTakeTurns() async throws {
        let (first, schema) = try makePostgresStore(); defer { schema.drop() }
        let stores = [first] + (try (0..<3).map { _ in
            try SQLStateStore(location: .postgres(dsn: schema.dsn), migrate: false)
        })
        let start = Date.utc(2026, 11, 1)
        let ids = try await withThrowingTaskGroup(of: [String].self) { group in
            for store in stores {
                group.addTask {
                    try (0..<5).map { _ in
                        try store.createRun(dagId: "d", runId: "manual__x", runType: .manual,
                                            interval: DataInterval(start: start, end: start.addingTimeInterval(86_400)),
                                            logicalDate: nil, conf: [:], tasks: [("a", 1)], owner: nil, now: Date(),
                                            generatedRunId: true).runId
                    }
                }
            }
            return try await group.reduce(into: [String]()) { $0 += $1 }
        }
        #expect(ids.count == 20 && Set(ids).count == 20)
        #expect(try first.countRuns(RunQuery(dagId: "d")) == 20, "the trigger-kept counts agree")
    }
}
