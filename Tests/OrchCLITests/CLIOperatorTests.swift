#if canImport(Glibc)
import Glibc
#endif
import Foundation
import OrchSQLite
import Testing

/// Day-to-day operation from the command line (issue 16, items 11 and 12): --version, exit statuses, logs,
/// task tables in dependency order, and naming runs as `DAG RUN` everywhere.
@Suite(.serialized) struct CLIOperatorTests {
    @Test func versionNamesTheReleaseAndTheNewestStateMigration() throws {
        let s = try OrchSandbox(); defer { s.cleanup() }
        let r = try s.run("--version")
        #expect(r.status == 0, "\(r.output)")
        let files = try FileManager.default.contentsOfDirectory(atPath: repoRoot.appendingPathComponent("migrations/state").path)
        let newest = try #require(files.compactMap { Int($0.prefix(4)) }.max())
        #expect(r.stdout.hasPrefix("orch "), "\(r.stdout)")
        #expect(r.stdout.contains("(state schema \(newest))"), "\(r.stdout)")
    }

    @Test func aRuntimeErrorExitsOneWithTheMessageOnlyAndAUsageErrorExits64WithUsage() throws {
        let s = try OrchSandbox(); defer { s.cleanup() }
        for args in [["runs", "show", "example_xcom", "manual__nope"], ["runs", "list", "no_such_dag"],
                     ["logs", "manual__nope", "t"], ["tasks", "clear", "example_xcom", "manual__nope", "produce"]] {
            let r = try s.run(args)
            #expect(r.status == 1, "\(args): \(r.output)")
            #expect(r.stderr.hasPrefix("Error: "), "\(args): \(r.stderr)")
            #expect(!r.stderr.lowercased().contains("usage"), "\(args): \(r.stderr)")
        }
        let tooMany = try s.run("runs", "show", "a", "b", "c")
        #expect(tooMany.status == 64, "\(tooMany.output)")
        #expect(tooMany.stderr.contains("expected DAG RUN (or RUN with --dag), got 3 arguments"))
        #expect(tooMany.stderr.contains("Usage: orch runs show"), "\(tooMany.stderr)")
        let badState = try s.run("runs", "mark", "example_xcom", "r", "--state", "running")
        #expect(badState.status == 64, "\(badState.output)")
        #expect(badState.stderr.contains("--state must be success or failed"))
    }

    @Test func dagRunOrderWorksEverywhereAndTheOldFormStillDoes() throws {
        let s = try OrchSandbox(); defer { s.cleanup() }
        #expect(try s.run("run", "example_xcom", "--logical-date", "2026-11-07").status == 0)
        let runId = "manual__2026-11-07T00:00:00Z"
        let newForm = try s.run("runs", "show", "example_xcom", runId)
        #expect(newForm.status == 0, "\(newForm.output)")
        #expect(newForm.stdout.hasPrefix("example_xcom \(runId): success"))
        let oldForm = try s.run("runs", "show", runId, "--dag", "example_xcom")
        #expect(oldForm.stdout == newForm.stdout)
        let logs = try s.run("logs", "example_xcom", runId, "consume")
        #expect(logs.status == 0, "\(logs.output)")
        #expect(logs.stdout.contains("received: hello hello hello"))
        #expect(try s.run("logs", runId, "consume", "-d", "example_xcom").stdout == logs.stdout)
        let twice = try s.run("runs", "show", "example_xcom", runId, "--dag", "example_shell")
        #expect(twice.status == 64)
        #expect(twice.stderr.contains("the DAG is given twice"))
    }

    @Test func logsSayWhatIsWrong() throws {
        let s = try OrchSandbox(); defer { s.cleanup() }
        #expect(try s.run("run", "example_xcom", "--logical-date", "2026-11-08").status == 0)
        let runId = "manual__2026-11-08T00:00:00Z"
        let unknown = try s.run("logs", "example_xcom", runId, "nosuch")
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("run '\(runId)' of DAG 'example_xcom' has no task 'nosuch'; its tasks: produce, consume"),
                "\(unknown.stderr)")
        let rows = try RunRows(try s.database(), dagId: "example_xcom")
        let log = try #require(rows.attempts(of: "consume").first?["log_path"].string)
        #expect(FileManager.default.fileExists(atPath: log), "\(log)")
        try FileManager.default.removeItem(atPath: log)
        let missing = try s.run("logs", "example_xcom", runId, "consume")
        #expect(missing.status == 1, "\(missing.output)")
        #expect(missing.stderr.contains("the log of try 1 of task 'consume' is missing"), "\(missing.stderr)")
    }

    /// `--follow` on a task of a queued run waits for its first try, prints it, and ends with it.
    @Test func logsFollowWaitsForATryThatHasNotStarted() throws {
        let s = try OrchSandbox(); defer { s.cleanup() }
        let trigger = try s.run("trigger", "example_xcom", "--logical-date", "2026-11-09")
        #expect(trigger.status == 0, "\(trigger.output)")
        let runId = "manual__2026-11-09T00:00:00Z"
        let notFollowing = try s.run("logs", "example_xcom", runId, "consume")
        #expect(notFollowing.status == 1)
        #expect(notFollowing.stderr.contains("has not started yet (it is none); --follow waits for it"), "\(notFollowing.stderr)")
        let follow = try s.start(["logs", "example_xcom", runId, "consume", "--follow"])
        #expect(s.waitFor(30) { follow.stderr.contains("waiting for task 'consume'") }, "\(follow.stderr)")
        #expect(follow.process.isRunning)
        let scheduler = try s.start(["scheduler"])
        defer { scheduler.stop(SIGTERM) }
        #expect(s.waitFor(90) { !follow.process.isRunning }, "logs --follow did not end: \(follow.stderr)")
        follow.stop(SIGKILL)
        #expect(follow.result.status == 0, "\(follow.result.output)")
        #expect(follow.stdout.contains("received: hello hello hello"), "\(follow.stdout)")
    }

    @Test func taskTablesAreInDependencyOrder() throws {
        let s = try OrchSandbox(); defer { s.cleanup() }
        _ = try s.run("run", "example_trigger_rules", "--logical-date", "2026-11-10")
        let order = try s.run("tasks", "list", "example_trigger_rules").stdout.split(separator: "\n").map(String.init)
        #expect(order.count == 6)
        #expect(order != order.sorted(), "the example must tell dependency order from alphabetical")
        let dagTable = try s.run("dags", "show", "example_trigger_rules").stdout.components(separatedBy: "\n\n")[1]
        #expect(dagTable.split(separator: "\n").dropFirst().compactMap { $0.split(separator: " ").first.map(String.init) } == order,
                "\(dagTable)")
        let show = try s.run("runs", "show", "example_trigger_rules", "manual__2026-11-10T00:00:00Z")
        let sections = show.stdout.components(separatedBy: "\n\n")
        #expect(sections.count == 2, "\(show.stdout)")
        func ids(_ table: String) -> [String] {
            table.split(separator: "\n").compactMap { $0.split(separator: " ").first.map(String.init) }.filter(order.contains)
        }
        #expect(ids(sections[0]) == order, "\(sections[0])")
        let tried = ids(sections[1])   // tasks that never ran (skipped, upstream_failed) have no attempts
        #expect(tried.count >= 3 && tried == order.filter(tried.contains), "\(sections[1])")
    }
}
