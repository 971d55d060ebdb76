#if canImport(Glibc)
import Glibc
#endif
import Foundation
import OrchSQLite
import Testing

/// The other commands, end to end: help, check, tasks test, trigger without a scheduler, logs errors.
@Suite(.serialized) struct CLICommandTests {
    static let commands: [[String]] = [
        [], ["dags"], ["dags", "list"], ["dags", "show"], ["dags", "check"], ["dags", "test"], ["dags", "next"], ["dags", "pause"],
        ["dags", "unpause"], ["trigger"], ["run"], ["runs"], ["runs", "list"], ["runs", "show"], ["tasks"],
        ["tasks", "list"], ["tasks", "test"], ["tasks", "run"], ["tasks", "clear"], ["tasks", "mark"], ["runs", "mark"],
        ["runs", "delete"], ["logs"], ["scheduler"], ["backfill"], ["cron"],
        ["db"], ["db", "migrate"],
    ]

    @Test(arguments: commands)
    func helpWorksOnEachCommand(_ command: [String]) throws {
        let s = try OrchSandbox(); defer { s.cleanup() }
        let r = try s.run(command + ["--help"])
        #expect(r.status == 0, "\(command): \(r.output)")
        #expect(r.stdout.contains("USAGE: orch"), "\(command): \(r.output)")
    }

    @Test func dagsCheckPassesOnTheBuiltInDAGs() throws {
        let s = try OrchSandbox(); defer { s.cleanup() }
        let r = try s.run("dags", "check")
        #expect(r.status == 0, "\(r.output)")
        #expect(r.stdout.contains("DAGs OK"))
    }

    @Test func dagsListAndShow() throws {
        let s = try OrchSandbox(); defer { s.cleanup() }
        let list = try s.run("dags", "list")
        for id in ["example_fanout", "example_retries", "example_timeout", "example_trigger_rules", "example_shell",
                   "example_crash", "example_xcom"] {
            #expect(list.stdout.contains(id))
        }
        let show = try s.run("dags", "show", "example_trigger_rules")
        #expect(show.stdout.contains("extract_bad >> notify_on_failure"))
        #expect(show.stdout.contains("one_failed"))
        // One DAG's commands read its definition alone from the manifest cache (after `dags list` wrote it).
        let next = try s.run("dags", "next", "example_fanout", "-n", "2")
        #expect(next.status == 0, "\(next.output)")
        #expect(next.stdout.split(separator: "\n").count == 3, "\(next.output)")   // the header and two runs
        let tasks = try s.run("tasks", "list", "example_trigger_rules")
        #expect(tasks.stdout.split(separator: "\n").last == "cleanup", "\(tasks.output)")
        let unknown = try s.run("dags", "show", "no_such_dag")
        #expect(unknown.status != 0 && unknown.stderr.contains("no DAG 'no_such_dag'"), "\(unknown.output)")
    }

    @Test func tasksTestRunsInProcessAndPersistsNothing() throws {
        let s = try OrchSandbox(); defer { s.cleanup() }
        let ok = try s.run("tasks", "test", "example_fanout", "work_3", "--logical-date", "2026-11-02")
        #expect(ok.status == 0, "\(ok.output)")
        #expect(ok.stdout.contains("work_3 computed 9"))
        #expect(ok.stdout.contains("task work_3: success"))
        let bad = try s.run("tasks", "test", "example_trigger_rules", "extract_bad")
        #expect(bad.status != 0)
        #expect(bad.stdout.contains("source unavailable"))
        let shell = try s.run("tasks", "test", "example_shell", "hello", "--logical-date", "2026-11-03")
        #expect(shell.stdout.contains("hello from example_shell/hello, logical date 2026-11-03"))
        try expectNothingPersisted(s)
    }

    @Test func dagsTestRunsOneRunInOneProcessOfItsBundleAndPersistsNothing() throws {
        let s = try OrchSandbox(); defer { s.cleanup() }
        // Trigger rules as in a scheduled run: a failed task, its one_failed handler, a skipped and an
        // upstream_failed task; the run succeeds (its leaves did not fail), so the command exits 0.
        let rules = try s.run("dags", "test", "example_trigger_rules", "2026-11-02")
        #expect(rules.status == 0, "\(rules.output)")
        for line in ["extract_bad: failed: source unavailable", "notify_on_failure: an upstream failed",
                     "on_ok_failure_handler: skipped", "load: upstream_failed", "cleanup: cleaning up",
                     "run test__2026-11-02T00:00:00Z: success"] {
            #expect(rules.stdout.contains(line), "\(line): \(rules.output)")
        }
        #expect(!rules.stdout.contains("never runs"))
        // A failed error check blocks its asset's reader and fails the run (exit 1); a warn check does not;
        // XCom passes between tasks; a shell task sees the run's logical date.
        let checks = try s.run("dags", "test", "test_dags_test", "2026-11-03")
        #expect(checks.status == 1, "\(checks.output)")
        for line in ["read_blocked: blocked_by_check (blocked by check 'never_passes' on file://dags_test/blocked (error))",
                     "read_warned: read 42 rows", "shell sees 2026-11-03T00:00:00Z",
                     "run test__2026-11-03T00:00:00Z: failed"] {
            #expect(checks.stdout.contains(line), "\(line): \(checks.output)")
        }
        #expect(!checks.stdout.contains("must not run"))
        // --conf reaches the params; --mark-success-pattern marks without running (from the id's start).
        let conf = try s.run("dags", "test", "example_xcom", "-c", #"{"greeting": "hi", "count": 2}"#)
        #expect(conf.status == 0, "\(conf.output)")
        #expect(conf.stdout.contains("consume: received: hi hi"))
        let marked = try s.run("dags", "test", "example_trigger_rules", "--mark-success-pattern", "extract_b")
        #expect(marked.status == 0, "\(marked.output)")
        #expect(marked.stdout.contains("extract_bad: success (marked successful, not run)"))
        #expect(marked.stdout.contains("load: never runs"))
        // Bad input: a clear error, nothing run.
        let badPattern = try s.run("dags", "test", "example_xcom", "--mark-success-pattern", "(")
        #expect(badPattern.status != 0)
        #expect(badPattern.stderr.contains("--mark-success-pattern '(' is not a regular expression"))
        #expect(!badPattern.stdout.contains("produce"))
        let unknown = try s.run("dags", "test", "no_such_dag")
        #expect(unknown.status != 0)
        #expect(unknown.stderr.contains("no DAG 'no_such_dag'"))
        // A task that crashes the one process ends the command, which says so (one try: no retry in a test run).
        let crash = try s.run("dags", "test", "example_crash")
        #expect(crash.status != 0)
        #expect(crash.stdout.contains("segfault: writing through an invalid pointer (SIGSEGV)"), "\(crash.output)")
        #expect(crash.stderr.contains("was killed by signal 11 (SIGSEGV)"), "\(crash.output)")
        let badConf = try s.run("dags", "test", "example_xcom", "--conf", "[1]")
        #expect(badConf.status != 0)
        #expect(!badConf.stdout.contains("produce"))
        // The bundle executable runs it by hand too (as an Airflow DAG file runs dag.test()), without orch.
        let bundle = Process()
        bundle.executableURL = URL(fileURLWithPath: String(testBundles.split(separator: ":")[1]))   // orch-test-dags
        bundle.arguments = ["dags", "test", "test_dags_test", "2026-11-04", "--mark-success-pattern", "write_b"]
        bundle.environment = ["ORCH_HOME": s.home.path, "PATH": "/usr/bin:/bin"]
        let out = Pipe()
        bundle.standardOutput = out
        try bundle.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        bundle.waitUntilExit()
        #expect(bundle.terminationStatus == 0, "\(text)")
        for line in ["write_blocked: success (marked successful, not run)", "read_blocked: must not run",
                     "shell sees 2026-11-04T00:00:00Z", "run test__2026-11-04T00:00:00Z: success"] {
            #expect(text.contains(line), "\(line): \(text)")
        }
        try expectNothingPersisted(s)
    }

    @Test func triggerWithoutASchedulerQueuesTheRunAndSaysNoSchedulerRuns() throws {
        let s = try OrchSandbox(); defer { s.cleanup() }
        let waiting = try s.start(["trigger", "example_xcom", "--wait", "--logical-date", "2026-11-09"])
        let noticed = s.waitFor(60) { waiting.stderr.contains("no scheduler is running") }
        waiting.stop(SIGTERM)
        #expect(noticed, "stderr: \(waiting.stderr)")
        #expect(waiting.stderr.contains("orch scheduler"))
        let run = try #require(try s.database().queryOne("SELECT state, run_type FROM dag_run WHERE dag_id = 'example_xcom'"))
        #expect(run["state"].string == "queued")
        #expect(run["run_type"].string == "manual")
    }

    @Test func logsOfUnknownRunsAndTriesAreClearErrors() throws {
        let s = try OrchSandbox(); defer { s.cleanup() }
        let none = try s.run("logs", "manual__nope", "t")
        #expect(none.status != 0)
        #expect(none.stderr.contains("no run 'manual__nope'"))
        #expect(try s.run("run", "example_retries").status == 0)
        let rows = try RunRows(try s.database(), dagId: "example_retries")
        let badTry = try s.run("logs", rows.runId, "flaky", "--try", "9")
        #expect(badTry.status != 0)
        #expect(badTry.stderr.contains("tries 1...3"))
    }

    @Test func anOutOfRangeWebNiceIsRefusedBeforeAnythingStarts() throws {
        let s = try OrchSandbox(); defer { s.cleanup() }
        for command in ["serve", "webserver"] {
            let refused = try s.run(command, "--web-nice", "25", "--port", "0")
            #expect(refused.status == 64, "\(refused.output)")
            #expect(refused.stderr.contains("--web-nice must be 0-19"))
            #expect(refused.stderr.contains("orch \(command)"))
        }
    }

    /// Run ids are unique per DAG only: two DAGs run for the same date share `manual__<date>`. A command naming
    /// such a run without `--dag` must say so rather than pick one.
    @Test func aRunIdSharedByTwoDAGsNeedsDag() throws {
        let s = try OrchSandbox(); defer { s.cleanup() }
        for dag in ["example_xcom", "example_shell"] {
            #expect(try s.run("run", dag, "--logical-date", "2026-11-07").status == 0)
        }
        let runId = "manual__2026-11-07T00:00:00Z"
        for args in [["runs", "show", runId], ["logs", runId, "produce"], ["runs", "clear", runId]] {
            let ambiguous = try s.run(args)
            #expect(ambiguous.status != 0, "\(args)")
            #expect(ambiguous.stderr.contains("runs of 2 DAGs have the id '\(runId)' (example_shell, example_xcom)"),
                    "\(ambiguous.stderr)")
            #expect(ambiguous.stderr.contains("--dag"))
        }
        let xcom = try s.run("runs", "show", runId, "--dag", "example_xcom")
        #expect(xcom.status == 0, "\(xcom.output)")
        #expect(xcom.stdout.hasPrefix("example_xcom \(runId): success"))
        let shell = try s.run("runs", "show", runId, "-d", "example_shell")
        #expect(shell.stdout.hasPrefix("example_shell \(runId): success"))
        let missing = try s.run("runs", "show", runId, "--dag", "example_fanout")
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("DAG 'example_fanout' has no run '\(runId)'"))
    }

    @Test func dbMigrateOnAFreshHomeThenAgain() throws {
        let s = try OrchSandbox(); defer { s.cleanup() }
        let first = try s.run("db", "migrate")
        #expect(first.status == 0, "\(first.output)")
        let second = try s.run("db", "migrate")
        #expect(second.status == 0, "\(second.output)")
        let versions = try s.database().query("SELECT version FROM schema_migrations ORDER BY version").compactMap { $0["version"].int }
        #expect(versions.first == 1 && versions.count >= 2)
    }
}

/// Nothing of a test run or attempt was persisted in the sandbox: no runs, no attempts, no log files.
private func expectNothingPersisted(_ s: OrchSandbox) throws {
    if FileManager.default.fileExists(atPath: s.databasePath) {
        let db = try s.database()
        #expect(try db.queryOne("SELECT count(*) FROM dag_run")?[0].int == 0)
        #expect(try db.queryOne("SELECT count(*) FROM task_attempt")?[0].int == 0)
    }
    let logs = s.home.appendingPathComponent("logs").path
    #expect(((try? FileManager.default.contentsOfDirectory(atPath: logs)) ?? []).isEmpty)
}
