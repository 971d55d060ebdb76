import Foundation
import OrchSQLite
import Testing

/// Issue 11, the CLI half: schedules under a minute, parallel triggers, masked conf, dates, backfill limits.
@Suite(.serialized) struct CLIHardeningTests {
    @Test func cronRefusesIntervalsUnderAMinute() throws {
        let s = try OrchSandbox(); defer { s.cleanup() }
        let r = try s.run("cron", "every 1s")
        #expect(r.status != 0)
        #expect(r.stderr.contains("the interval must be at least 1 minute"), "\(r.output)")
        #expect(try s.run("cron", "every 1m", "-n", "2").status == 0)
    }

    @Test func parallelTriggersInTheSameSecondAllGetARun() throws {
        let s = try OrchSandbox(); defer { s.cleanup() }
        #expect(try s.run("dags", "list").status == 0)   // creates the database first, as a user would
        let running = try (0..<6).map { _ in try s.start(["trigger", "example_xcom"]) }
        let results = running.map { p -> CommandResult in p.process.waitUntilExit(); return p.result }
        for r in results { #expect(r.status == 0, "\(r.output)") }
        let db = try s.database()
        let ids = try db.query("SELECT run_id FROM dag_run WHERE dag_id = 'example_xcom'").compactMap { $0["run_id"].string }
        #expect(ids.count == 6 && Set(ids).count == 6, "\(ids)")
    }

    @Test func runsShowMasksSecretsInConf() throws {
        let s = try OrchSandbox(); defer { s.cleanup() }
        let t = try s.run("trigger", "example_xcom", "--run-id", "secret_run", "--conf",
                          #"{"db_password": "pw-one", "target": "postgresql://orch:pw-two@127.0.0.1/w", "n": 2}"#)
        #expect(t.status == 0, "\(t.output)")
        let show = try s.run("runs", "show", "secret_run")
        #expect(show.status == 0, "\(show.output)")
        #expect(show.stdout.contains(#""db_password":"***""#), "\(show.stdout)")
        #expect(show.stdout.contains("postgresql://orch:***@127.0.0.1/w"))
        #expect(!show.output.contains("pw-one") && !show.output.contains("pw-two"))
    }

    @Test func datesAreProlepticGregorianAndImpossibleOnesRefused() throws {
        let s = try OrchSandbox(); defer { s.cleanup() }
        let old = try s.run("trigger", "example_xcom", "--logical-date", "1500-01-01")
        #expect(old.status == 0, "\(old.output)")
        #expect(old.stdout.contains("queued run manual__1500-01-01T00:00:00Z"), "\(old.stdout)")
        let db = try s.database()
        #expect(try db.queryOne("SELECT logical_date FROM dag_run")?[0].double == -14_831_769_600)
        let bad = try s.run("trigger", "example_xcom", "--logical-date", "2026-02-30")
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("'2026-02-30' is not a date: day 30 does not exist in 2026-02"), "\(bad.output)")
        #expect(try db.queryOne("SELECT count(*) FROM dag_run")?[0].int == 1)
    }

    @Test func backfillIsClampedToTheStartDateAndLimited() throws {
        let s = try OrchSandbox(); defer { s.cleanup() }
        let huge = try s.run("backfill", "reliability_daily", "--from", "1000-01-01", "--to", "2026-01-01")
        #expect(huge.status != 0)
        #expect(huge.stderr.contains("before the DAG's start date 2020-01-01T00:00:00Z"), "\(huge.output)")
        #expect(huge.stderr.contains("would create 2193 runs"), "\(huge.output)")
        #expect(huge.stderr.contains("--yes"))
        let none = try s.run("backfill", "example_fanout", "--from", "1000-01-01", "--to", "1000-01-05")
        #expect(none.status != 0)
        #expect(none.stderr.contains("nothing to backfill: the whole range"), "\(none.output)")
        if FileManager.default.fileExists(atPath: s.databasePath) {
            #expect(try s.database().queryOne("SELECT count(*) FROM dag_run")?[0].int == 0)
        }

        let clamped = try s.run("backfill", "example_fanout", "--from", "2026-10-30", "--to", "2026-11-02")
        #expect(clamped.status == 0, "\(clamped.output)")
        #expect(clamped.stderr.contains("warning: --from 2026-10-30T00:00:00Z is before the DAG's start date"))
        #expect(clamped.stdout.contains("backfill__2026-11-01T00:00:00Z  success"), "\(clamped.stdout)")
        #expect(clamped.stdout.contains("backfill__2026-11-02T00:00:00Z  success"))
        #expect(clamped.stdout.contains("backfill of 2 run(s): 2 success, 0 failed"))
        #expect(try s.database().queryOne("SELECT count(*) FROM dag_run")?[0].int == 2)
    }
}
