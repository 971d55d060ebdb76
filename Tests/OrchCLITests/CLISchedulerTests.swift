#if canImport(Glibc)
import Glibc
#endif
import Foundation
import OrchSQLite
import Testing

/// `orch scheduler` as a child process: one per database, and surviving `kill -9` without running a task twice.
@Suite(.serialized) struct CLISchedulerTests {
    /// Starts a scheduler and waits until it holds the lease.
    private func startScheduler(_ s: OrchSandbox) throws -> RunningOrch {
        let p = try s.start(["scheduler"])
        let holding = s.waitFor(60) {
            guard FileManager.default.fileExists(atPath: s.databasePath) else { return false }
            // The scheduler may still be migrating the new database.
            return (try? s.database().queryOne("SELECT pid FROM scheduler_lease WHERE pid = ?", [p.pid])) != nil
        }
        if !holding { p.stop(SIGKILL); Issue.record("scheduler did not take the lease: \(p.stderr)") }
        return p
    }

    @Test func aSecondSchedulerRefusesToStartAndNamesTheHolder() throws {
        let s = try OrchSandbox(); defer { s.cleanup() }
        let first = try startScheduler(s)
        defer { first.stop(SIGKILL) }
        let second = try s.run("scheduler")
        #expect(second.status == 2, "\(second.output)")
        #expect(second.stderr.contains("another scheduler holds the lease"))
        #expect(second.stderr.contains("pid \(first.pid)"))
        // SIGTERM stops the first one cleanly and frees the lease.
        first.stop(SIGTERM)
        #expect(first.process.terminationStatus == 0, "\(first.stderr)")
        #expect(try s.database().queryOne("SELECT * FROM scheduler_lease") == nil)
    }

    /// Shutdown belongs to the service group: a standby asked to stop while it waits for the lease exits 0 without
    /// ever taking the lease; the active one then stops on SIGINT as on SIGTERM.
    @Test func aStandbyStopsCleanlyWhileItWaitsAndSIGINTStopsTheActiveOne() throws {
        let s = try OrchSandbox(); defer { s.cleanup() }
        let first = try startScheduler(s)
        defer { first.stop(SIGKILL) }
        let standby = try s.start(["scheduler", "--standby"])
        defer { standby.stop(SIGKILL) }
        #expect(s.waitFor(60) { standby.stderr.contains("standing by") }, "\(standby.stderr)")
        standby.stop(SIGTERM)
        #expect(standby.process.terminationStatus == 0, "\(standby.stderr)")
        #expect(try s.database().queryOne("SELECT pid FROM scheduler_lease")?["pid"].int == Int(first.pid))
        first.stop(SIGINT)
        #expect(first.process.terminationStatus == 0, "\(first.stderr)")
        #expect(try s.database().queryOne("SELECT * FROM scheduler_lease") == nil)
    }

    @Test func aTriggeredRunIsExecutedByTheScheduler() throws {
        let s = try OrchSandbox(); defer { s.cleanup() }
        let scheduler = try startScheduler(s)
        defer { scheduler.stop(SIGTERM) }
        // An example with a schedule starts paused, and a paused DAG's runs wait.
        #expect(try s.run("dags", "unpause", "example_fanout").status == 0)
        let r = try s.run("trigger", "example_fanout", "--wait")
        #expect(r.status == 0, "\(r.output)")
        #expect(!r.stderr.contains("no scheduler is running"))
        #expect(r.stdout.contains("join: success"))
        #expect(try RunRows(try s.database(), dagId: "example_fanout").state == "success")
    }

    /// A DAG unpaused while the scheduler idles gets its scheduled run: the scheduler does not look for due runs at
    /// every turn (DueRunGate), but a change committed by another process makes the next turn look.
    @Test func aDAGUnpausedWhileTheSchedulerRunsGetsItsScheduledRun() throws {
        let s = try OrchSandbox(); defer { s.cleanup() }
        let scheduler = try startScheduler(s)
        defer { scheduler.stop(SIGTERM) }
        func scheduledRuns() -> Int {
            (try? s.database().queryOne("SELECT count(*) AS n FROM dag_run WHERE dag_id = 'example_fanout' AND run_type = 'scheduled'"))?["n"].int ?? 0
        }
        #expect(scheduledRuns() == 0, "examples with a schedule start paused")
        #expect(try s.run("dags", "unpause", "example_fanout").status == 0)
        #expect(s.waitFor(30) { scheduledRuns() >= 1 }, "\(scheduler.stderr)")
    }

    /// THE crash test: SIGKILL the scheduler in the middle of a run of process-isolated tasks, start a new one,
    /// see the run finish, and check from task_attempt that no task ever had two attempts running at once.
    @Test func killingTheSchedulerMidRunNeverRunsATaskTwiceAtOnce() throws {
        let s = try OrchSandbox(); defer { s.cleanup() }
        let dagId = "reliability_slow_chain"   // 100 ms tasks: a no-op chain can end between two polls
        let first = try startScheduler(s)
        let trigger = try s.run("trigger", dagId)
        #expect(trigger.status == 0, "\(trigger.output)")
        let db = try s.database()
        // Kill once a few tasks of this run are done and one is running (the scheduler also runs other DAGs' due
        // runs: their tasks do not count).
        let ofRun = "run_pk = (SELECT id FROM dag_run WHERE dag_id = '\(dagId)')"
        let midRun = try s.waitFor(120) {
            let done = try db.queryOne("SELECT count(*) FROM task_instance WHERE state = 'success' AND \(ofRun)")?[0].int ?? 0
            // Running: its process started (pid recorded), not only its attempt row written.
            let running = try db.queryOne("SELECT count(*) FROM task_attempt WHERE end_date IS NULL AND pid IS NOT NULL AND \(ofRun)")?[0].int ?? 0
            return done >= 4 && running >= 1
        }
        first.stop(SIGKILL)
        #expect(midRun, "the run never reached the middle: \(first.stderr)")
        let unfinishedAtKill = try db.query("SELECT task_id FROM task_attempt WHERE end_date IS NULL AND \(ofRun)")
        let runStateAtKill = try db.queryOne("SELECT state FROM dag_run WHERE dag_id = ?", [dagId])?["state"].string
        #expect(runStateAtKill == "running", "the run was not in the middle when the scheduler was killed")

        let second = try startScheduler(s)
        defer { second.stop(SIGTERM) }
        let finished = try s.waitFor(180) {
            let state = try db.queryOne("SELECT state FROM dag_run WHERE dag_id = ?", [dagId])?["state"].string
            return state == "success" || state == "failed"
        }
        #expect(finished, "the run did not finish after the restart: \(second.stderr)")

        let rows = try RunRows(db, dagId: dagId)
        #expect(rows.state == "success")
        #expect(rows.tasks.count == 20)
        #expect(rows.tasks.values.allSatisfy { $0 == "success" }, "\(rows.tasks)")
        #expect(!unfinishedAtKill.isEmpty)
        for task in rows.tasks.keys {
            let tries = rows.attempts(of: task)
            #expect(tries.last?["state"].string == "success", "\(task): \(tries.last?["error"].string ?? "")")
            for a in tries {
                #expect(a["end_date"].double != nil, "\(task) try \(a["try_number"].int ?? 0) never ended")
            }
            // Sorted by try: each try starts only after the previous one ended.
            for (a, b) in zip(tries, tries.dropFirst()) {
                let end = a["end_date"].double ?? .infinity
                let start = b["start_date"].double ?? -.infinity
                #expect(start >= end, "\(task): try \(b["try_number"].int ?? 0) started before try \(a["try_number"].int ?? 0) ended")
            }
        }
        // A chain: no task started before its upstream's successful attempt ended.
        for i in 2...20 {
            let upEnd = rows.attempts(of: "c\(i - 1)").last?["end_date"].double ?? .infinity
            let start = rows.attempts(of: "c\(i)").first?["start_date"].double ?? -.infinity
            #expect(start >= upEnd, "c\(i) started before c\(i - 1) ended")
        }
    }
}
