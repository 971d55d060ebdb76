#if canImport(Glibc)
import Glibc
#endif
import Foundation
import OrchSQLite
import Testing

/// `orch tasks clear|mark` and `orch runs mark|delete` (issue 16, item 11), against the real state database.
@Suite(.serialized) struct CLITaskActionTests {
    static let runId = "manual__2026-11-10T00:00:00Z"

    /// A finished run of example_trigger_rules: extract_bad fails, load is upstream_failed, the run succeeds
    /// (its leaves are the failure handler, a skipped task and an `always` cleanup).
    private func finishedRun(_ s: OrchSandbox) throws -> RunRows {
        let r = try s.run("run", "example_trigger_rules", "--logical-date", "2026-11-10", "--quiet")
        #expect(r.status == 0, "\(r.output)")
        return try RunRows(try s.database(), dagId: "example_trigger_rules")
    }

    /// Every task reachable downstream of `task`, from the edges `orch dags show` prints.
    private func downstream(_ s: OrchSandbox, of task: String) throws -> Set<String> {
        let edges = try s.run("dags", "show", "example_trigger_rules").stdout.split(separator: "\n")
            .filter { $0.contains(" >> ") }
            .map { $0.trimmingCharacters(in: .whitespaces).components(separatedBy: " >> ") }
        var reached: Set<String> = [task]
        var changed = true
        while changed {
            changed = false
            for e in edges where reached.contains(e[0]) && !reached.contains(e[1]) { reached.insert(e[1]); changed = true }
        }
        return reached
    }

    @Test func clearOneTaskWithAndWithoutItsDownstream() throws {
        let s = try OrchSandbox(); defer { s.cleanup() }
        let before = try finishedRun(s)
        #expect(before.state == "success")
        #expect(before.tasks["extract_bad"] == "failed")
        let one = try s.run("tasks", "clear", "example_trigger_rules", Self.runId, "extract_ok")
        #expect(one.status == 0, "\(one.output)")
        var after = try RunRows(try s.database(), dagId: "example_trigger_rules")
        #expect(after.state == "queued")
        #expect(after.tasks["extract_ok"] == "none")
        #expect(after.tasks.filter { $0.key != "extract_ok" } == before.tasks.filter { $0.key != "extract_ok" })
        // Put the run back to finished, then clear with --downstream.
        #expect(try s.run("runs", "mark", "example_trigger_rules", Self.runId, "--state", "failed").status == 0)
        let marked = try RunRows(try s.database(), dagId: "example_trigger_rules")
        let down = try s.run("tasks", "clear", Self.runId, "extract_bad", "--dag", "example_trigger_rules", "--downstream")
        #expect(down.status == 0, "\(down.output)")
        after = try RunRows(try s.database(), dagId: "example_trigger_rules")
        let expected = try downstream(s, of: "extract_bad")
        #expect(expected.count > 1)
        for (task, state) in after.tasks {
            #expect(state == (expected.contains(task) ? "none" : marked.tasks[task]), "\(task): \(state)")
        }
        #expect(down.stdout.hasPrefix("cleared extract_bad, "), "\(down.stdout)")
    }

    @Test func clearingATaskOfAnUnfinishedRunIsRefused() throws {
        let s = try OrchSandbox(); defer { s.cleanup() }
        #expect(try s.run("trigger", "example_xcom", "--logical-date", "2026-11-11").status == 0)
        let r = try s.run("tasks", "clear", "example_xcom", "manual__2026-11-11T00:00:00Z", "produce")
        #expect(r.status == 1)
        #expect(r.stderr.contains("is queued; clear its tasks when it has finished"), "\(r.stderr)")
        let unknown = try s.run("tasks", "mark", "example_xcom", "manual__2026-11-11T00:00:00Z", "nosuch", "--state", "success")
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("has no task 'nosuch'; its tasks: produce, consume"), "\(unknown.stderr)")
    }

    @Test func markOneTaskThenTheRun() throws {
        let s = try OrchSandbox(); defer { s.cleanup() }
        let before = try finishedRun(s)
        #expect(before.tasks["extract_bad"] == "failed")
        let r = try s.run("tasks", "mark", "example_trigger_rules", Self.runId, "extract_bad", "--state", "success")
        #expect(r.status == 0, "\(r.output)")
        let after = try RunRows(try s.database(), dagId: "example_trigger_rules")
        #expect(after.tasks["extract_bad"] == "success")
        #expect(after.state == "queued", "the scheduler decides the run's outcome again")
        #expect(after.tasks.filter { $0.key != "extract_bad" } == before.tasks.filter { $0.key != "extract_bad" })
        let run = try s.run("runs", "mark", "example_trigger_rules", Self.runId, "--state", "success")
        #expect(run.status == 0, "\(run.output)")
        #expect(try RunRows(try s.database(), dagId: "example_trigger_rules").state == "success")
        // Both changes are in the audit log, newest first.
        let audit = try s.run("audit", "--limit", "2").stdout
        let lines = audit.split(separator: "\n").dropFirst().map(String.init)
        #expect(lines.count == 2, "\(audit)")
        #expect(lines.first?.contains("run.mark") == true && lines.last?.contains("task.mark") == true, "\(audit)")
    }

    @Test func deleteAFinishedRunWithItsRowsAndLogsButNotAQueuedOne() throws {
        let s = try OrchSandbox(); defer { s.cleanup() }
        let rows = try finishedRun(s)
        let logFolder = URL(fileURLWithPath: try #require(rows.attempts.first?["log_path"].string))
            .deletingLastPathComponent()   // logs/<dag>/<run>/<task>.<try>.log: the run's folder
        #expect(FileManager.default.fileExists(atPath: logFolder.path))
        let r = try s.run("runs", "delete", "example_trigger_rules", Self.runId)
        #expect(r.status == 0, "\(r.output)")
        let db = try s.database()
        for table in ["dag_run WHERE id = ?", "task_instance WHERE run_pk = ?", "task_attempt WHERE run_pk = ?"] {
            #expect(try db.queryOne("SELECT count(*) FROM \(table)", [rows.runPk])?[0].int == 0, "\(table)")
        }
        #expect(!FileManager.default.fileExists(atPath: logFolder.path))
        #expect(try s.run("runs", "delete", "example_trigger_rules", Self.runId).status == 1)
        #expect(try s.run("trigger", "example_xcom", "--logical-date", "2026-11-12").status == 0)
        let queued = try s.run("runs", "delete", "example_xcom", "manual__2026-11-12T00:00:00Z")
        #expect(queued.status == 1)
        #expect(queued.stderr.contains("is queued; mark it success or failed before deleting it"), "\(queued.stderr)")
    }
}
