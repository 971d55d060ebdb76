#if canImport(Glibc)
import Glibc
#endif
import Foundation
import OrchPostgres
import OrchTestSupport
import Testing

/// Issue 19: on PostgreSQL a second `orch scheduler --standby` waits; when the active one is killed with SIGKILL in
/// the middle of a run it takes the lease over (a new epoch) within 5 s, adopts the attempts still running, and
/// the run finishes with no task ever having two attempts running at once.
@Suite(.serialized) struct CLIStandbySchedulerTests {
    @Test func aStandbyTakesOverWithinFiveSecondsOfASIGKILLAndNoAttemptRunsTwice() throws {
        let s = try OrchSandbox(); defer { s.cleanup() }
        let schema = try PostgresTestSchema(prefix: "standby"); defer { schema.drop() }
        s.extraEnvironment["ORCH_STATE_DSN"] = schema.dsn
        let db = try PGConnection(conninfo: schema.dsn)
        func leaseHolder() -> (pid: Int, epoch: Int)? {
            guard let r = try? db.execute("SELECT pid, epoch FROM scheduler_lease"), r.count == 1,
                  let pid = try? r.int(0, "pid"), let epoch = try? r.int(0, "epoch") else { return nil }
            return (pid, epoch)
        }
        let active = try s.start(["scheduler"])
        defer { active.stop(SIGKILL) }
        #expect(s.waitFor(60) { leaseHolder()?.pid == Int(active.pid) }, "\(active.stderr)")
        let standby = try s.start(["scheduler", "--standby"])
        defer { standby.stop(SIGTERM) }
        #expect(s.waitFor(60) { standby.stderr.contains("standing by") }, "\(standby.stderr)")
        let epochBefore = leaseHolder()?.epoch ?? -1

        let dagId = "reliability_slow_chain"   // 100 ms tasks: a no-op chain can end between two polls
        #expect(try s.run("trigger", dagId).status == 0)
        let ofRun = "run_pk = (SELECT id FROM dag_run WHERE dag_id = '\(dagId)')"
        let midRun = s.waitFor(120) {
            let done = (try? db.execute("SELECT count(*) FROM task_instance WHERE state = 'success' AND \(ofRun)").scalarInt()) ?? 0
            let running = (try? db.execute("SELECT count(*) FROM task_attempt WHERE end_date IS NULL AND pid IS NOT NULL AND \(ofRun)").scalarInt()) ?? 0
            return done >= 4 && running >= 1
        }
        #expect(midRun, "the run never reached the middle: \(active.stderr)")
        let killedAt = Date()
        active.stop(SIGKILL)
        let tookOver = s.waitFor(30) { leaseHolder()?.pid == Int(standby.pid) }
        let takeover = Date().timeIntervalSince(killedAt)
        print("standby take-over after SIGKILL of the active scheduler: \(String(format: "%.2f", takeover)) s")
        #expect(tookOver, "\(standby.stderr)")
        #expect(takeover < 5, "take-over took \(takeover) s")
        #expect((leaseHolder()?.epoch ?? 0) == epochBefore + 1, "a take-over is a new epoch")

        let finished = s.waitFor(180) {
            let state = try? db.execute("SELECT state FROM dag_run WHERE dag_id = $1", [dagId]).string(0, "state")
            return state == "success" || state == "failed"
        }
        #expect(finished, "the run did not finish after the take-over: \(standby.stderr)")
        let state = try db.execute("SELECT state FROM dag_run WHERE dag_id = $1", [dagId]).string(0, "state")
        let attempts = try db.execute("""
            SELECT task_id, try_number, state, start_date, end_date, error FROM task_attempt WHERE \(ofRun) ORDER BY task_id, try_number
            """)
        var byTask: [String: [(start: Double, end: Double?, state: String, error: String?)]] = [:]
        for i in 0..<attempts.count {
            byTask[try attempts.string(i, "task_id") ?? "", default: []].append(
                (try attempts.double(i, "start_date") ?? 0, try attempts.double(i, "end_date"), try attempts.string(i, "state") ?? "",
                 try attempts.string(i, "error")))
        }
        #expect(state == "success", "\(byTask.filter { $0.value.contains { $0.state != "success" } })\nactive:\n\(active.stderr)\nstandby:\n\(standby.stderr)")
        #expect(byTask.count == 20)
        for (task, tries) in byTask {
            #expect(tries.last?.state == "success", "\(task): \(tries)")
            #expect(tries.allSatisfy { $0.end != nil }, "\(task) has a try that never ended")
            for (a, b) in zip(tries, tries.dropFirst()) {
                #expect(b.start >= (a.end ?? .infinity), "\(task): a try started before the previous one ended")
            }
        }
    }
}
