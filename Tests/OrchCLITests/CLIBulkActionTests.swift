#if canImport(Glibc)
import Glibc
#endif
import Foundation
import OrchSQLite
import Testing

/// `orch runs clear|mark DAG --state … --from … --to … [--dry-run]` and `orch tasks clear|mark DAG --task …`
/// (issue 17, item 5) against the real state database: a dry run lists and changes nothing, the real run
/// changes that list and writes an audit entry, bad input exits non-zero with a clear message.
@Suite(.serialized) struct CLIBulkActionTests {
    static let dag = "example_trigger_rules"
    static func runId(_ day: Int) -> String { "manual__2026-11-\(day)T00:00:00Z" }

    /// Three finished runs of example_trigger_rules (11-10, 11-11, 11-12), the first two then marked failed.
    private func seed(_ s: OrchSandbox) throws {
        for day in 10...12 {
            let r = try s.run("run", Self.dag, "--logical-date", "2026-11-\(day)", "--quiet")
            #expect(r.status == 0, "\(r.output)")
        }
        for day in 10...11 {
            #expect(try s.run("runs", "mark", Self.dag, Self.runId(day), "--state", "failed").status == 0)
        }
    }

    /// run id → "state:" + task states in task id order.
    private func snapshot(_ s: OrchSandbox) throws -> [String: String] {
        let db = try s.database()
        var out: [String: String] = [:]
        for run in try db.query("SELECT id, run_id, state FROM dag_run WHERE dag_id = ?", [Self.dag]) {
            let tasks = try db.query("SELECT state FROM task_instance WHERE run_pk = ? ORDER BY task_id",
                                     [run["id"].int64 ?? 0]).map { $0["state"].string ?? "" }
            out[run["run_id"].string ?? ""] = (run["state"].string ?? "") + ":" + tasks.joined(separator: ",")
        }
        return out
    }

    private func audits(_ s: OrchSandbox, _ action: String) throws -> [String] {
        try s.database().query("SELECT target FROM audit_log WHERE action = ? ORDER BY id", [action])
            .map { $0["target"].string ?? "" }
    }

    @Test func bulkClearDryRunListsThenClearsOnlyTheFailedRunsInTheRange() throws {
        let s = try OrchSandbox(); defer { s.cleanup() }
        try seed(s)
        let before = try snapshot(s)
        #expect(before[Self.runId(10)]?.hasPrefix("failed:") == true)
        let dry = try s.run("runs", "clear", Self.dag, "--state", "failed", "--from", "2026-11-10", "--to", "2026-11-10",
                            "--dry-run")
        #expect(dry.status == 0, "\(dry.output)")
        #expect(dry.stdout.contains(Self.runId(10)), "\(dry.stdout)")
        #expect(!dry.stdout.contains(Self.runId(11)), "outside the range")
        #expect(dry.stdout.contains("would clear "), "\(dry.stdout)")
        #expect(dry.stdout.contains("in 1 run(s) of \(Self.dag) (dry run: nothing changed)"), "\(dry.stdout)")
        #expect(try snapshot(s) == before, "a dry run changes nothing")
        #expect(try audits(s, "run.bulk_clear").isEmpty, "nothing changed, nothing audited")

        let real = try s.run("runs", "clear", Self.dag, "--state", "failed", "--from", "2026-11-10", "--to", "2026-11-10")
        #expect(real.status == 0, "\(real.output)")
        #expect(real.stdout.contains("in 1 run(s) of \(Self.dag); the runs are queued again"), "\(real.stdout)")
        let after = try snapshot(s)
        let cleared = try #require(after[Self.runId(10)])
        #expect(cleared.hasPrefix("queued:") && cleared.dropFirst(7).split(separator: ",").allSatisfy { $0 == "none" },
                "\(cleared)")
        #expect(after[Self.runId(11)] == before[Self.runId(11)])
        #expect(after[Self.runId(12)] == before[Self.runId(12)])
        let audit = try #require(try audits(s, "run.bulk_clear").first)
        #expect(audit.contains(Self.runId(10)) && audit.contains("\"run_states\":\"failed\""), "\(audit)")
    }

    @Test func bulkMarkOfTasksAndRunsWithDryRun() throws {
        let s = try OrchSandbox(); defer { s.cleanup() }
        try seed(s)
        let before = try snapshot(s)
        let dry = try s.run("tasks", "mark", Self.dag, "--state", "success", "--task", "extract_bad",
                            "--current-state", "failed", "--from", "2026-11-11", "--dry-run")
        #expect(dry.status == 0, "\(dry.output)")
        #expect(dry.stdout.contains(Self.runId(11)) && dry.stdout.contains(Self.runId(12)), "\(dry.stdout)")
        #expect(dry.stdout.contains("would mark 2 task instance(s) in 2 run(s) of \(Self.dag) success"), "\(dry.stdout)")
        #expect(try snapshot(s) == before)
        let real = try s.run("tasks", "mark", Self.dag, "--state", "success", "--task", "extract_bad",
                             "--current-state", "failed", "--from", "2026-11-11")
        #expect(real.status == 0, "\(real.output)")
        let task = try s.database().query("""
            SELECT r.run_id, t.state FROM task_instance t JOIN dag_run r ON r.id = t.run_pk
            WHERE r.dag_id = ? AND t.task_id = 'extract_bad' ORDER BY r.run_id
            """, [Self.dag]).map { $0["state"].string ?? "" }
        #expect(task == ["failed", "success", "success"])
        #expect(try audits(s, "task.bulk_mark").count == 1)

        let runs = try s.run("runs", "mark", Self.dag, "--state", "success", "--current-state", "failed")
        #expect(runs.status == 0, "\(runs.output)")
        #expect(runs.stdout.contains("marked 1 run(s) of \(Self.dag) success"), "\(runs.stdout)")
        #expect(try snapshot(s)[Self.runId(10)]?.hasPrefix("success:") == true)
    }

    @Test func aSingleRunClearCanBeADryRunToo() throws {
        let s = try OrchSandbox(); defer { s.cleanup() }
        try seed(s)
        let before = try snapshot(s)
        let dry = try s.run("runs", "clear", Self.dag, Self.runId(12), "--failed-only", "--dry-run")
        #expect(dry.status == 0, "\(dry.output)")
        #expect(dry.stdout.contains("extract_bad"), "\(dry.stdout)")
        #expect(try snapshot(s) == before)
    }

    @Test func badBulkInputExitsNonZeroWithAClearMessageAndChangesNothing() throws {
        let s = try OrchSandbox(); defer { s.cleanup() }
        try seed(s)
        let before = try snapshot(s)
        let cases: [([String], String)] = [
            (["runs", "clear", Self.dag, "--from", "2026-11-12", "--to", "2026-11-10"], "--from 2026-11-12 is after --to 2026-11-10; swap them"),
            (["runs", "clear", Self.dag, "--state", "broken"], "--state 'broken' is not a state"),
            (["runs", "clear", Self.dag, Self.runId(10), "--state", "failed"], "the bulk form takes the DAG alone"),
            (["tasks", "clear", Self.dag, "--task", "nosuch"], "has no task 'nosuch'; its tasks:"),
            (["tasks", "clear", Self.dag, "--task", "extract_bad", "--downstream"], "in the bulk form list tasks with --task"),
            (["runs", "mark", Self.dag, "--state", "queued", "--current-state", "failed"], "--state must be success or failed"),
            (["runs", "clear", "no_such_dag", "--state", "failed"], "no DAG 'no_such_dag'"),
        ]
        for (args, message) in cases {
            let r = try s.run(args)
            #expect(r.status != 0, "\(args)")
            #expect(r.stderr.contains(message), "\(args): \(r.stderr)")
        }
        #expect(try snapshot(s) == before)
    }
}
