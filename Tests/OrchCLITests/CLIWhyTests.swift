import Foundation
import Testing

/// `orch tasks why` and `orch runs why` (issue 17, item 4): the engine's waiting reasons, read from the real state
/// database with no scheduler running.
@Suite(.serialized) struct CLIWhyTests {
    static let runId = "manual__2026-11-10T00:00:00Z"

    @Test func aQueuedRunOfAPausedDAGSaysSoForTheRunAndEachTask() throws {
        let s = try OrchSandbox(); defer { s.cleanup() }
        #expect(try s.run("dags", "pause", "example_fanout").status == 0)
        let t = try s.run("trigger", "example_fanout", "--logical-date", "2026-11-10")
        #expect(t.status == 0, "\(t.output)")
        let runId = try #require(try s.database().queryOne("SELECT run_id FROM dag_run WHERE dag_id = 'example_fanout'")?["run_id"].string)
        let run = try s.run("runs", "why", "example_fanout", runId)
        #expect(run.status == 0, "\(run.output)")
        #expect(run.stdout.contains("run \(runId) is queued: DAG example_fanout is paused"), "\(run.stdout)")
        let task = try s.run("tasks", "why", "example_fanout", runId, "join")
        #expect(task.stdout == "join: waiting: DAG example_fanout is paused\n", "\(task.stdout)")
    }

    @Test func withoutASchedulerAClearedTaskWaitsForOne() throws {
        let s = try OrchSandbox(); defer { s.cleanup() }
        #expect(try s.run("run", "example_trigger_rules", "--logical-date", "2026-11-10", "--quiet").status == 0)
        #expect(try s.run("tasks", "clear", "example_trigger_rules", Self.runId, "extract_ok").status == 0)
        let why = try s.run("runs", "why", "example_trigger_rules", Self.runId)
        #expect(why.status == 0, "\(why.output)")
        #expect(why.stdout.contains("is queued: no scheduler holds the lease"), "\(why.stdout)")
        let row = why.stdout.split(separator: "\n").first { $0.hasPrefix("extract_ok") }.map(String.init) ?? ""
        #expect(row.contains("no scheduler holds the lease"), "\(why.stdout)")
        // A finished task has nothing to wait for, and says what it is.
        let done = try s.run("tasks", "why", "example_trigger_rules", Self.runId, "extract_bad")
        #expect(done.stdout == "extract_bad: failed: finished, nothing to wait for\n", "\(done.stdout)")
    }

    @Test func anUnknownTaskOrRunIsAClearError() throws {
        let s = try OrchSandbox(); defer { s.cleanup() }
        #expect(try s.run("run", "example_trigger_rules", "--logical-date", "2026-11-10", "--quiet").status == 0)
        let task = try s.run("tasks", "why", "example_trigger_rules", Self.runId, "nope")
        #expect(task.status != 0)
        #expect(task.stderr.contains("has no task 'nope'; its tasks: "), "\(task.stderr)")
        let run = try s.run("runs", "why", "example_trigger_rules", "no_such_run")
        #expect(run.status != 0)
        #expect(run.stderr.contains("has no run 'no_such_run'"), "\(run.stderr)")
    }
}
