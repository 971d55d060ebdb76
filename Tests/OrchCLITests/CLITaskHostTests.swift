#if canImport(Glibc)
import Glibc
#endif
import Foundation
import OrchSQLite
import Testing

/// A bundle's `.inProcess` tasks run in its task host (issue 17): one process for all of them, XCom through the
/// state database, the variables the DAG asked for, a timeout that cancels the Swift task, and a crash of the host
/// that ends the attempts in it and leaves the retry to a new host. Real `orch` and bundle processes, real SQLite.
@Suite(.serialized) struct CLITaskHostTests {
    @Test func inProcessTasksOfABundleShareItsTaskHost() throws {
        let s = try OrchSandbox(); defer { s.cleanup() }
        let r = try s.run(["run", "test_task_host"], environment: ["ORCH_TEST_HOST_VAR": "from-the-scheduler"])
        #expect(r.status == 0, "\(r.output)")
        let db = try s.database()
        let rows = try RunRows(db, dagId: "test_task_host")
        #expect(rows.state == "success")
        #expect(rows.tasks == ["produce": "success", "double": "success", "variable": "success", "skipped": "skipped",
                               "silent": "success"])
        #expect(Set(rows.attempts.compactMap { $0["isolation"].string }) == ["in_process"])
        let pids = try ["produce", "double", "variable"].map { try #require(processId(in: rows, task: $0), "no pid logged by \($0)") }
        #expect(Set(pids).count == 1, "one host process for every attempt: \(pids)")
        let doubled = try db.queryOne("SELECT value FROM xcom WHERE run_pk = ? AND task_id = 'double' AND key = 'n'",
                                      [rows.runPk])?["value"].string
        #expect(doubled == "42")
        let log = { (task: String) throws -> String in
            try String(contentsOfFile: rows.attempts(of: task).first?["log_path"].string ?? "", encoding: .utf8)
        }
        #expect(try log("double").contains("doubled to 42"))
        let variable = try log("variable")
        #expect(variable.contains("ORCH_TEST_HOST_VAR=from-the-scheduler"), "\(variable)")
        let produced = try log("produce")
        #expect(produced.contains("process "), "the produce log is not the task's: \(produced)")
        #expect(!produced.contains("printed to stdout"), "stdout of a hosted task is not its log")
        // The host makes an attempt's log file as it starts it, not on its first line: a task that logs nothing
        // has an empty one, as a forked attempt has.
        #expect(try log("silent") == "")

        // ORCH_TASK_HOST=0: the same tasks run as processes of the bundle.
        let spawned = try s.run(["run", "test_task_host"], environment: ["ORCH_TASK_HOST": "0"])
        #expect(spawned.status == 0, "\(spawned.output)")
        let second = try RunRows(db, dagId: "test_task_host")
        #expect(second.runPk != rows.runPk)
        #expect(Set(second.attempts.compactMap { $0["isolation"].string }) == ["process"])
        #expect(Set(["produce", "double", "variable"].compactMap { processId(in: second, task: $0) }).count == 3)
    }

    /// `orch run` starts the helpers its DAG uses while it reads the DAG (``PrestartedHelpers``) and its pool
    /// adopts them: one task host for an in-process DAG, no fork server (which would build every DAG of the
    /// bundle for nothing); one fork server for a process DAG. The bundle is a script that logs each command it
    /// is started with, then runs the test bundle.
    @Test func orchRunStartsOnlyTheHelpersItsDAGUsesOnce() throws {
        let s = try OrchSandbox(); defer { s.cleanup() }
        let bundle = try LoggingBundle(in: s)
        let env = ["ORCH_BUNDLES": bundle.path]
        #expect(try s.run(["dags", "list"], environment: env).status == 0)   // the manifest cache and its index
        let helpers = { bundle.helperStarts }
        bundle.forget()
        let hosted = try s.run(["run", "test_task_host"], environment: env)
        #expect(hosted.status == 0, "\(hosted.output)")
        #expect(helpers() == ["__task-host"], "\(helpers())")
        #expect(Set(try RunRows(try s.database(), dagId: "test_task_host").attempts.compactMap { $0["isolation"].string }) == ["in_process"])

        bundle.forget()
        let spawned = try s.run(["run", "reliability_slow_chain"], environment: env)
        #expect(spawned.status == 0, "\(spawned.output)")
        #expect(helpers() == ["__fork-server"], "\(helpers())")
    }

    @Test func aHostedTaskPastItsTimeoutIsStoppedAndItsRetryRuns() throws {
        let s = try OrchSandbox(); defer { s.cleanup() }
        let started = Date()
        let r = try s.run(["run", "test_task_host_timeout"])
        #expect(r.status == 0, "\(r.output)")
        #expect(Date().timeIntervalSince(started) < 25, "the first try was not stopped at its 1 s timeout")
        let tries = try RunRows(try s.database(), dagId: "test_task_host_timeout").attempts(of: "slow")
        #expect(tries.map { $0["state"].string } == ["failed", "success"])
        #expect(tries.first?["error"].string?.contains("timed out") == true, "\(tries.first?["error"].string ?? "")")
    }

    @Test func aTaskThatKillsItsHostEndsAsCrashedAndItsRetryGetsANewHost() throws {
        let s = try OrchSandbox(); defer { s.cleanup() }
        let r = try s.run(["run", "test_task_host_crash"])
        #expect(r.status == 0, "\(r.output)")
        let tries = try RunRows(try s.database(), dagId: "test_task_host_crash").attempts(of: "crash")
        #expect(tries.map { $0["state"].string } == ["failed", "success"])
        let error = tries.first?["error"].string ?? ""
        #expect(error.contains("task host") && error.contains("was killed by signal \(SIGABRT) while"), "\(error)")
        let hosts = (1...2).map { processId(in: tries, attempt: $0 - 1) }
        #expect(hosts[0] != nil && hosts[1] != nil && hosts[0] != hosts[1], "the retry ran in a new host: \(hosts)")
    }
}

/// The process id an attempt's task logged (`process <pid>`).
private func processId(in rows: RunRows, task: String) -> Int? {
    processId(in: rows.attempts(of: task), attempt: 0)
}

private func processId(in attempts: [SQLiteRow], attempt: Int) -> Int? {
    guard attempts.indices.contains(attempt),
          let log = try? String(contentsOfFile: attempts[attempt]["log_path"].string ?? "", encoding: .utf8),
          let line = log.split(separator: "\n").first(where: { $0.contains("process ") }) else { return nil }
    return line.split(separator: " ").last.flatMap { Int($0) }
}
