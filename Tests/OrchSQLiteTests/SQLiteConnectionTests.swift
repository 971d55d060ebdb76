import Foundation
import OrchSQLite
import OrchTestSupport
import Testing

/// The SQLite wrapper on real database files.
@Suite struct SQLiteConnectionTests {
    private func tempPath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("orch-sqlite-\(UUID().uuidString).db").path
    }

    /// `orch serve`'s scheduler and web server open a new database at the same moment: every connection opens,
    /// in WAL mode (SQLite refused one of them with "database is locked" on `PRAGMA journal_mode=WAL`).
    @Test func connectionsOpeningANewDatabaseTogetherAllOpen() throws {
        for _ in 0..<20 {
            let path = tempPath(); defer { try? FileManager.default.removeItem(atPath: path) }
            let opened = runTogether(4) { try SQLiteConnection(path: path).queryOne("PRAGMA journal_mode")?[0].string }
            #expect(failures(opened).isEmpty, "\(failures(opened))")
            #expect(opened.compactMap { try? $0.get() } == ["wal", "wal", "wal", "wal"])
        }
    }

    @Test func opensInWALWithForeignKeysAndBindsEveryType() throws {
        let path = tempPath(); defer { try? FileManager.default.removeItem(atPath: path) }
        let db = try SQLiteConnection(path: path)
        #expect(try db.queryOne("PRAGMA journal_mode")?[0].string == "wal")
        #expect(try db.queryOne("PRAGMA foreign_keys")?[0].int == 1)
        try db.executeScript("CREATE TABLE t (i INTEGER, r REAL, s TEXT, b INTEGER, n TEXT)")
        let none: String? = nil
        #expect(try db.execute("INSERT INTO t VALUES (?, ?, ?, ?, ?)", [Int64(1) << 40, 2.5, "x'; DROP TABLE t; --", true, none]) == 1)
        let row = try #require(try db.queryOne("SELECT * FROM t"))
        #expect(row["i"].int64 == Int64(1) << 40)
        #expect(row["r"].double == 2.5)
        #expect(row["s"].string == "x'; DROP TABLE t; --")
        #expect(row["b"].int == 1)
        #expect(row["n"].isNull)
        #expect(row["missing"].isNull)
    }

    @Test func insertReturnsTheNewRowidAndRefusesAnInsertThatAddedNothing() throws {
        let path = tempPath(); defer { try? FileManager.default.removeItem(atPath: path) }
        let db = try SQLiteConnection(path: path)
        try db.executeScript("""
            CREATE TABLE t (id INTEGER PRIMARY KEY, k TEXT UNIQUE);
            CREATE TABLE audit (id INTEGER PRIMARY KEY, k TEXT);
            CREATE TRIGGER t_audit AFTER INSERT ON t BEGIN INSERT INTO audit (k) VALUES (NEW.k); INSERT INTO audit (k) VALUES (NEW.k); END;
            INSERT INTO audit (k) VALUES ('seed'), ('seed'), ('seed');
            """)
        // The trigger's own inserts (audit ids 4 and 5) do not leak into the id returned for t's row.
        #expect(try db.insert("INSERT INTO t (k) VALUES (?)", ["a"]) == 1)
        #expect(try db.insert("INSERT INTO t (id, k) VALUES (?, ?)", [Int64(41), "b"]) == 41)
        #expect(throws: SQLiteError.self) { try db.insert("INSERT OR IGNORE INTO t (k) VALUES (?)", ["a"]) }
        #expect(try db.queryOne("SELECT count(*) AS n FROM t")?["n"].int == 2)
    }

    @Test func forEachRowReadsInPlaceAndReusesTheStatement() throws {
        let path = tempPath(); defer { try? FileManager.default.removeItem(atPath: path) }
        let db = try SQLiteConnection(path: path)
        try db.executeScript("CREATE TABLE t (i INTEGER, s TEXT); INSERT INTO t VALUES (1, 'é🚀'), (2, NULL), (3, 'c')")
        for _ in 0..<2 {   // the cached statement is reset and rebound between runs
            var seen: [(Int64, String?, Bool)] = []
            try db.forEachRow("SELECT i, s FROM t WHERE i >= ? ORDER BY i", [1]) { row in
                seen.append((row.int64(0), row.string(1), row.isNull(1)))
            }
            #expect(seen.map(\.0) == [1, 2, 3])
            #expect(seen.map(\.1) == ["é🚀", nil, "c"])
            #expect(seen.map(\.2) == [false, true, false])
        }
        #expect(throws: SQLiteError.self) { try db.forEachRow("SELECT nope FROM t") { _ in } }
    }

    @Test func aTransactionRollsBackWhenItsBodyThrows() throws {
        let path = tempPath(); defer { try? FileManager.default.removeItem(atPath: path) }
        let db = try SQLiteConnection(path: path)
        try db.executeScript("CREATE TABLE t (id INTEGER PRIMARY KEY)")
        struct Boom: Error {}
        #expect(throws: Boom.self) {
            try db.transaction { try db.execute("INSERT INTO t VALUES (1)"); throw Boom() }
        }
        #expect(try db.queryOne("SELECT count(*) FROM t")?[0].int == 0)
        _ = try db.transaction { try db.execute("INSERT INTO t VALUES (2)") }
        #expect(db.lastInsertRowID == 2)
    }

    @Test func errorsCarryTheSQLAndConstraintKind() throws {
        let path = tempPath(); defer { try? FileManager.default.removeItem(atPath: path) }
        let db = try SQLiteConnection(path: path)
        try db.executeScript("CREATE TABLE p (id INTEGER PRIMARY KEY); CREATE TABLE c (p INTEGER REFERENCES p (id))")
        #expect { try db.execute("INSERT INTO c VALUES (?)", [5]) } throws: {
            guard let e = $0 as? SQLiteError else { return false }
            return e.isConstraint && e.sql == "INSERT INTO c VALUES (?)"
        }
        #expect { try db.query("SELECT nope FROM p") } throws: {
            ($0 as? SQLiteError)?.description.contains("nope") == true
        }
    }

    @Test func aSecondConnectionWaitsForAWriterInsteadOfFailing() throws {
        let path = tempPath(); defer { try? FileManager.default.removeItem(atPath: path) }
        let a = try SQLiteConnection(path: path)
        let b = try SQLiteConnection(path: path, busyTimeoutMillis: 5_000)
        try a.executeScript("CREATE TABLE t (id INTEGER)")
        try a.execute("BEGIN IMMEDIATE")
        try a.execute("INSERT INTO t VALUES (1)")
        // Readers are not blocked in WAL mode and see only committed rows.
        #expect(try b.queryOne("SELECT count(*) FROM t")?[0].int == 0)
        try a.execute("COMMIT")
        #expect(try b.queryOne("SELECT count(*) FROM t")?[0].int == 1)
    }

    @Test func openingAMissingFolderFailsNamingThePath() {
        #expect { try SQLiteConnection(path: "/nonexistent-dir-orch/x.db") } throws: {
            ($0 as? SQLiteError)?.message.contains("/nonexistent-dir-orch/x.db") == true
        }
    }
}
