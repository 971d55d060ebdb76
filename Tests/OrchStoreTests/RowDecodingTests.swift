import Foundation
import OrchCore
import OrchSQLite
@testable import OrchStore
import Testing

/// A damaged row is an error that names the table, the row, the column and what it holds, never a default
/// (`manual`, `queued`, year 1) that would hide the damage. The rows are damaged on a real SQLite file through a
/// second connection, as a bad restore or a hand edit would.
@Suite struct RowDecodingTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    private func storeWithRun() throws -> (TempDir, SQLiteStateStore, RunRecord, SQLiteConnection) {
        let dir = try TempDir()
        let store = try makeStore(dir)
        let run = try store.createRun(dagId: "d", runId: "r1", runType: .manual, interval: day, conf: [:],
                                      tasks: [("a", 1)], owner: nil, now: now)
        let db = try SQLiteConnection(path: dir.path("orch.db"))
        try db.execute("PRAGMA ignore_check_constraints = ON")   // the schema's CHECKs would refuse the damage
        return (dir, store, run, db)
    }

    @Test(arguments: [
        ("UPDATE dag_run SET run_type = 'sideways'", "run_type", "'sideways'", "one of scheduled, manual, backfill"),
        ("UPDATE dag_run SET state = 'bogus'", "state", "'bogus'", "one of queued, running, success, failed"),
        ("UPDATE dag_run SET logical_date = 'yesterday'", "logical_date", "'yesterday'", "a time (Unix seconds)"),
        ("UPDATE dag_run SET conf = '{not json'", "conf", "'{not json'", "a JSON object"),
        ("UPDATE dag_run SET queued_at = X'00'", "queued_at", "a blob of 1 bytes", "a time (Unix seconds)"),
    ])
    func aCorruptRunRowThrowsNamingTheRowAndColumn(sql: String, column: String, found: String, expected: String) throws {
        let (dir, store, run, db) = try storeWithRun(); defer { dir.cleanup() }
        try db.execute(sql + " WHERE id = ?", [run.pk])
        let error = RowDecodingError(table: "dag_run", row: "id \(run.pk), run_id 'r1'", column: column, found: found,
                                     expected: expected)
        #expect(throws: error) { try store.run(pk: run.pk) }
        #expect(throws: error) { try store.runs(RunQuery(dagId: "d")) }
        #expect(throws: error) { try store.runsPage(RunQuery(dagId: "d")) }
        #expect(error.description.contains("the state database is damaged"))
        #expect(error.description.hasPrefix("table dag_run, row id \(run.pk), run_id 'r1': column '\(column)' holds \(found)"))
    }

    @Test func aCorruptTaskInstanceOrAttemptThrowsToo() throws {
        let (dir, store, run, db) = try storeWithRun(); defer { dir.cleanup() }
        _ = try store.beginAttempt(runPk: run.pk, taskId: "a", tryNumber: 1, isolation: .process, logPath: "/tmp/x",
                                   now: now)
        try db.execute("UPDATE task_instance SET state = 'napping' WHERE run_pk = ?", [run.pk])
        #expect(throws: RowDecodingError(table: "task_instance", row: "run_pk \(run.pk), task_id 'a'", column: "state",
                                         found: "'napping'", expected: "one of " + TaskState.allCases.map(\.rawValue)
                                            .joined(separator: ", "))) {
            try store.taskInstances(runPk: run.pk)
        }
        #expect(throws: RowDecodingError.self) { try store.gridCells(runPks: [run.pk]) }
        try db.execute("UPDATE task_attempt SET start_date = 'soon' WHERE run_pk = ?", [run.pk])
        #expect(throws: RowDecodingError.self) { try store.attempts(runPk: run.pk, taskId: nil) }
    }

    /// Assets, their references and materializations, pools: a damaged row is an error naming it, not an empty
    /// URI, a 1970 time or a pool of 0 slots.
    @Test func corruptAssetAndPoolRowsThrowToo() throws {
        let (dir, store, _, db) = try storeWithRun(); defer { dir.cleanup() }
        try store.syncDAGs([DAG("d", tasks: [TaskSpec(id: "a", action: .shell("true"), assets: TaskAssets(outlets: ["pg://w/t"]))])],
                           pausedOnCreation: false, now: now)
        #expect(try store.assets().map(\.uri) == ["pg://w/t"])
        try db.execute("UPDATE asset SET created_at = 'soon'")
        #expect(throws: RowDecodingError(table: "asset", row: "id 1", column: "created_at", found: "'soon'",
                                         expected: "a time (Unix seconds)")) { try store.assets() }
        #expect(throws: RowDecodingError.self) { try store.asset(id: 1) }
        try db.execute("UPDATE asset SET created_at = 0")
        try db.execute("UPDATE asset_reference SET role = 'sideways'")
        #expect(throws: RowDecodingError.self) { try store.assets() }
        try db.execute("UPDATE asset_reference SET role = 'outlet'")
        try db.execute("""
            INSERT INTO asset_event (asset_id, run_pk, dag_id, run_id, task_id, try_number, interval_start, interval_end,
                created_at, metadata) VALUES (1, NULL, 'd', 'r1', 'a', 1, 0, 1, 2, '[1]')
            """)
        #expect(throws: RowDecodingError(table: "asset_event", row: "id 1", column: "metadata", found: "'[1]'",
                                         expected: "a JSON object")) { try store.materializations(assetId: 1, limit: 5) }
        try db.execute("INSERT INTO pool (name, slots, description) VALUES ('p', 'many', '')")
        #expect(throws: RowDecodingError.self) { try store.poolRecords() }
    }

    @Test func anEmptyConfIsReadWithoutParsingAndARealOneIsParsed() throws {
        let (dir, store, run, db) = try storeWithRun(); defer { dir.cleanup() }
        #expect(try store.run(pk: run.pk)?.conf == [:])
        try db.execute(#"UPDATE dag_run SET conf = '{"a": [1, 2]}' WHERE id = ?"#, [run.pk])
        #expect(try store.runsPage(RunQuery(dagId: "d")).first?.conf == ["a": [1, 2]])
    }
}
