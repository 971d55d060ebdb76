#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing

/// A bundle's fork server and task host are stopped once they have had nothing to do for ORCH_HELPER_IDLE_SECONDS,
/// never while an attempt of theirs runs, and the next attempt starts them again (docs/performance.md, "Helpers
/// that retire"). Real scheduler, real bundle helpers (the test bundle behind a script that logs each command it
/// is started with), real SQLite.
@Suite(.serialized) struct CLIHelperRetirementTests {
    @Test func idleHelpersAreStoppedAndTheNextAttemptStartsThemAgain() throws {
        let s = try OrchSandbox(); defer { s.cleanup() }
        let bundle = try LoggingBundle(in: s)
        s.extraEnvironment["ORCH_BUNDLES"] = bundle.path
        s.extraEnvironment["ORCH_HELPER_IDLE_SECONDS"] = "1"
        let helperStarts = { bundle.helperStarts.sorted() }
        #expect(try s.run("dags", "unpause", "test_helper_idle").status == 0)
        let scheduler = try s.start(["scheduler"])
        defer { scheduler.stop(SIGTERM) }

        // Each helper runs one 3 s attempt, three times its idle time: neither may be stopped under it (the task
        // host's attempt would end with it; the fork server would be started again for `after`).
        let first = try s.run("trigger", "test_helper_idle", "--wait")
        #expect(first.status == 0, "\(first.output)")
        let rows = try RunRows(try s.database(), dagId: "test_helper_idle")
        #expect(rows.tasks == ["forked": "success", "after": "success", "hosted": "success"], "\(rows.tasks)")
        #expect(rows.attempts.count == 3, "a task host stopped under its attempt would have made it fail")
        #expect(Set(rows.attempts.compactMap { $0["isolation"].string }) == ["process", "in_process"])
        #expect(helperStarts() == ["__fork-server", "__task-host"], "\(helperStarts())")

        // Idle for its 1 s: both are stopped.
        #expect(s.waitFor(15) { helperCommands(of: scheduler).isEmpty },
                "helpers still running: \(helperCommands(of: scheduler))")

        // The next run starts them again.
        let second = try s.run("trigger", "test_helper_idle", "--wait")
        #expect(second.status == 0, "\(second.output)")
        let again = try RunRows(try s.database(), dagId: "test_helper_idle")
        #expect(again.runPk != rows.runPk)
        #expect(again.tasks == ["forked": "success", "after": "success", "hosted": "success"], "\(again.tasks)")
        #expect(helperStarts() == ["__fork-server", "__fork-server", "__task-host", "__task-host"], "\(helperStarts())")
    }

    /// A fork server that is slow to start (every bundle's first process attempt, and the first after it retired)
    /// holds up only its own attempt: the scheduler starts it off the engine's thread, so another run goes on and
    /// ends before the server has even begun. Before, the engine waited for the server's `ready` line.
    @Test func aForkServerComingUpHoldsUpOnlyItsOwnAttempts() throws {
        let s = try OrchSandbox(); defer { s.cleanup() }
        let bundle = try LoggingBundle(in: s, slowHelper: "__fork-server")
        s.extraEnvironment["ORCH_BUNDLES"] = bundle.path
        for dag in ["reliability_attempt_thread", "test_task_host"] {
            #expect(try s.run("dags", "unpause", dag).status == 0)
        }
        let scheduler = try s.start(["scheduler"])
        defer { scheduler.stop(SIGTERM) }

        #expect(try s.run("trigger", "reliability_attempt_thread").status == 0)
        let db = try s.database()
        #expect(s.waitFor(30) { ((try? RunRows(db, dagId: "reliability_attempt_thread"))?.attempts.count ?? 0) > 0 },
                "the process attempt was never launched")
        let hosted = try s.run("trigger", "test_task_host", "--wait")
        #expect(hosted.status == 0, "\(hosted.output)")
        let hostedRun = try #require(try db.queryOne("SELECT state, end_date FROM dag_run WHERE dag_id = 'test_task_host'"))
        #expect(hostedRun["state"].string == "success")

        #expect(s.waitFor(60) { (try? RunRows(db, dagId: "reliability_attempt_thread"))?.state == "success" },
                "the process run did not succeed once its fork server was up")
        let released = try #require(bundle.slowStartReleases.first, "the fork server never started")
        let hostedEnd = try #require(hostedRun["end_date"].double)
        #expect(hostedEnd < released,
                "the in-process run ended at \(hostedEnd), after the fork server went on at \(released): it waited")
        #expect(bundle.helperStarts.filter { $0 == "__fork-server" }.count == 1, "\(bundle.helperStarts)")
    }

    /// The same for a task host started again (after it retired for idleness): the in-process attempt that starts
    /// it waits for it off the engine's thread, so a process run triggered after goes on and ends first. Its attempt
    /// is still recorded as in-process (the executable answered as a task host before).
    @Test func aTaskHostComingUpAgainHoldsUpOnlyItsOwnAttempts() throws {
        let s = try OrchSandbox(); defer { s.cleanup() }
        let bundle = try LoggingBundle(in: s, slowHelper: "__task-host", slowFromTheStart: false)
        s.extraEnvironment["ORCH_BUNDLES"] = bundle.path
        s.extraEnvironment["ORCH_HELPER_IDLE_SECONDS"] = "1"
        s.extraEnvironment["ORCH_WORKER_SLOTS"] = "5"   // the in-process run's four first tasks wait with slots
        for dag in ["reliability_attempt_thread", "test_task_host"] {
            #expect(try s.run("dags", "unpause", dag).status == 0)
        }
        let scheduler = try s.start(["scheduler"])
        defer { scheduler.stop(SIGTERM) }
        let db = try s.database()

        let first = try s.run("trigger", "test_task_host", "--wait")
        #expect(first.status == 0, "\(first.output)")
        let firstRun = try RunRows(db, dagId: "test_task_host")
        #expect(s.waitFor(15) { !helperCommands(of: scheduler).contains("__task-host") },
                "the task host did not retire: \(helperCommands(of: scheduler))")

        bundle.startSlowing()
        #expect(try s.run("trigger", "test_task_host").status == 0)
        #expect(s.waitFor(30) {
            guard let rows = try? RunRows(db, dagId: "test_task_host") else { return false }
            return rows.runPk != firstRun.runPk && !rows.attempts.isEmpty
        }, "the second in-process run's attempts were never launched")
        let processRun = try s.run("trigger", "reliability_attempt_thread", "--wait")
        #expect(processRun.status == 0, "\(processRun.output)")
        let processEnd = try #require(try db.queryOne(
            "SELECT end_date FROM dag_run WHERE dag_id = 'reliability_attempt_thread'")?["end_date"].double)

        #expect(s.waitFor(60) { (try? RunRows(db, dagId: "test_task_host"))?.state == "success" },
                "the in-process run did not succeed once its task host was up")
        let released = try #require(bundle.slowStartReleases.first, "the task host never started again")
        #expect(processEnd < released,
                "the process run ended at \(processEnd), after the task host went on at \(released): it waited")
        let second = try RunRows(db, dagId: "test_task_host")
        #expect(Set(second.attempts.compactMap { $0["isolation"].string }) == ["in_process"])
        #expect(bundle.helperStarts.filter { $0 == "__task-host" }.count == 2, "\(bundle.helperStarts)")
    }

    @Test func aBadIdleTimeStopsTheCommandNamingTheSetting() throws {
        let s = try OrchSandbox(); defer { s.cleanup() }
        for bad in ["soon", "0", "-5", "nan"] {
            let r = try s.run(["dags", "list"], environment: ["ORCH_HELPER_IDLE_SECONDS": bad])
            #expect(r.status != 0, "ORCH_HELPER_IDLE_SECONDS=\(bad) was accepted")
            #expect(r.output.contains("ORCH_HELPER_IDLE_SECONDS must be a number of seconds above 0 or 'off'"),
                    "\(r.output)")
        }
        // `orch worker` has no CLIContext and checks it itself, before it reaches for its server.
        let started = try s.start(["worker", "--server", "http://127.0.0.1:9", "--token", "t", "--home", s.home.path],
                                  environment: ["ORCH_HELPER_IDLE_SECONDS": "soon"])
        let ended = s.waitFor(20) { !started.process.isRunning }
        started.stop(SIGKILL)   // reaps it; kills it only if the check let it start
        #expect(ended, "orch worker started with a bad ORCH_HELPER_IDLE_SECONDS")
        let worker = started.result
        #expect(worker.status != 0)
        #expect(worker.output.contains("ORCH_HELPER_IDLE_SECONDS must be a number of seconds above 0 or 'off'"),
                "\(worker.output)")
    }

    /// The helper command (`__fork-server`, `__task-host`) of each child of `process` that is a bundle helper.
    private func helperCommands(of process: RunningOrch) -> [String] {
        process.childPids.compactMap { child -> String? in
            guard let cmdline = try? procFile("/proc/\(child)/cmdline") else { return nil }
            let command = cmdline.split(separator: "\0").dropFirst().first.map(String.init)
            return command?.hasPrefix("__") == true ? command : nil
        }.sorted()
    }
}
