import Foundation
import OrchPostgres
import Testing
@testable import ShopStream

/// A later try of a task ends the warehouse sessions of its earlier tries (issue 19: a remote worker frozen past
/// its lease while its task held a transaction open). Real PostgreSQL, one fresh database per test.
@Suite("WarehouseAttemptFence")
struct WarehouseAttemptFenceTests {
    private func fence(_ task: String = "load_bronze", run: String = "manual__2026-11-20T00:00:00Z", try n: Int) -> WarehouseAttemptFence {
        WarehouseAttemptFence(dagId: "shopstream_daily", runId: run, taskId: task, tryNumber: n)
    }

    private let insertRow = """
        INSERT INTO bronze.raw_events (topic, record_key, record_value, "partition", "offset", event_ts)
        VALUES ('events', 'k', '{}', 0, 0, now())
        """

    @Test func aLaterTryEndsTheEarlierTrysTransactionAndDoesNotWaitForIt() throws {
        try WarehouseTestDB.withDatabase { db, conninfo in
            let zombie = try PGConnection(conninfo: conninfo)
            defer { zombie.close() }
            #expect(try fence(try: 1).apply(to: zombie) == 0)
            // Try 1 holds the row's unique key in an open transaction, then its worker is frozen.
            try zombie.execute("BEGIN")
            try zombie.execute(insertRow)

            let retry = try PGConnection(conninfo: conninfo)
            defer { retry.close() }
            #expect(try fence(try: 2).apply(to: retry) == 1)
            // Without the fence this insert would wait for try 1's transaction for as long as it stays open.
            try retry.execute("SET statement_timeout = 10000")
            let started = Date()
            try retry.execute(insertRow)
            let waited = Date().timeIntervalSince(started)
            print(String(format: "FIGURES fenced retry's insert of the zombie's row waited %.3f s", waited))
            #expect(waited < 5)
            // Resumed, the zombie cannot commit: its session is gone, and so are its rows.
            #expect(throws: PGError.self) { try zombie.execute("COMMIT") }
            #expect(try db.count("SELECT count(*) FROM bronze.raw_events") == 1)
        }
    }

    @Test func onlyEarlierTriesOfTheSameTaskInTheSameRunAreEnded() throws {
        try WarehouseTestDB.withDatabase { _, conninfo in
            // Try 3 connects first (a later try ends try 2's sessions, as it should; not the other way round).
            let others = [fence(try: 3), fence(try: 2), fence("silver", try: 1),
                          fence(run: "scheduled__2026-11-19T00:00:00Z", try: 1)]
            let sessions = try others.map { f in
                let c = try PGConnection(conninfo: conninfo)
                try f.apply(to: c)
                return c
            }
            defer { sessions.forEach { $0.close() } }
            let plain = try PGConnection(conninfo: conninfo)
            defer { plain.close() }
            let sibling = try PGConnection(conninfo: conninfo)
            defer { sibling.close() }
            // Try 2's second connection ends none of them: not its own try, not a later one, not another task or run.
            #expect(try fence(try: 2).apply(to: sibling) == 0)
            for c in sessions + [plain] { #expect(c.isHealthy) }
        }
    }

    @Test func theSessionNameFitsPostgreSQLsLimitAndNamesTheTry() {
        let long = WarehouseAttemptFence(dagId: String(repeating: "d", count: 200), runId: String(repeating: "r", count: 250),
                                         taskId: "quality_checks", tryNumber: 12)
        #expect(long.applicationName.utf8.count <= 63)
        #expect(long.applicationName.hasPrefix("orch:") && long.applicationName.hasSuffix(":quality_checks:12"))
        #expect(fence(try: 1).taskPrefix == fence(try: 2).taskPrefix)
        #expect(fence(try: 1).taskPrefix != fence(run: "other", try: 1).taskPrefix)
    }
}
