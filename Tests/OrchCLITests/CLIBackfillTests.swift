import Foundation
import OrchSQLite
import Testing

/// `orch backfill` on a scheduled example DAG (example_fanout is @daily from 2026-11-01).
@Suite(.serialized) struct CLIBackfillTests {
    @Test func backfillCreatesOneRunPerIntervalAndSkipsThemTheSecondTime() throws {
        let s = try OrchSandbox(); defer { s.cleanup() }
        let r = try s.run("backfill", "example_fanout", "--from", "2026-11-01", "--to", "2026-11-03")
        #expect(r.status == 0, "\(r.output)")
        #expect(r.stdout.contains("backfill of 3 run(s): 3 success, 0 failed"))
        let db = try s.database()
        let runs = try db.query("SELECT * FROM dag_run WHERE dag_id = 'example_fanout' ORDER BY logical_date")
        #expect(runs.map { $0["run_id"].string } == ["backfill__2026-11-01T00:00:00Z", "backfill__2026-11-02T00:00:00Z",
                                                     "backfill__2026-11-03T00:00:00Z"])
        #expect(runs.allSatisfy { $0["run_type"].string == "backfill" && $0["state"].string == "success" })
        #expect(runs.allSatisfy { $0["interval_end"].double! - $0["interval_start"].double! == 86_400 })
        #expect(try db.queryOne("SELECT count(*) FROM task_attempt")?[0].int == 21)

        let again = try s.run("backfill", "example_fanout", "--from", "2026-11-01", "--to", "2026-11-03")
        #expect(again.status == 0)
        #expect(again.stdout.contains("skipping backfill__2026-11-02T00:00:00Z: already success"))
        #expect(again.stdout.contains("nothing to backfill"))
        #expect(try db.queryOne("SELECT count(*) FROM dag_run")?[0].int == 3)
    }

    @Test func backfillRefusesBadRequests() throws {
        let s = try OrchSandbox(); defer { s.cleanup() }
        let manual = try s.run("backfill", "example_xcom", "--from", "2026-11-01", "--to", "2026-11-02")
        #expect(manual.status != 0)
        #expect(manual.stderr.contains("has no schedule"))
        let reversed = try s.run("backfill", "example_fanout", "--from", "2026-11-05", "--to", "2026-11-01")
        #expect(reversed.status != 0)
        #expect(reversed.stderr.contains("--from must not be after --to"))
        let badDate = try s.run("backfill", "example_fanout", "--from", "yesterday", "--to", "2026-11-01")
        #expect(badDate.status != 0)
        #expect(badDate.stderr.contains("'yesterday' is not a date"))
    }
}
