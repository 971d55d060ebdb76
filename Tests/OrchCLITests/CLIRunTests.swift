import Foundation
import OrchSQLite
import Testing

/// `orch run` of each example DAG in a temporary ORCH_HOME: runs, attempts and logs are persisted.
@Suite(.serialized) struct CLIRunTests {
    private func log(_ attempt: SQLiteRow) throws -> String {
        try String(contentsOfFile: attempt["log_path"].string ?? "", encoding: .utf8)
    }

    @Test func fanOutPersistsTheRunEveryAttemptAndItsLog() throws {
        let s = try OrchSandbox(); defer { s.cleanup() }
        let r = try s.run("run", "example_fanout", "--logical-date", "2026-11-05")
        #expect(r.status == 0, "\(r.output)")
        #expect(r.stdout.contains("run manual__2026-11-05T00:00:00Z: success"))
        let rows = try RunRows(try s.database(), dagId: "example_fanout")
        #expect(rows.state == "success")
        #expect(rows.tasks.count == 7)
        #expect(rows.tasks.values.allSatisfy { $0 == "success" })
        #expect(rows.attempts.count == 7)
        for a in rows.attempts {
            #expect(a["isolation"].string == "process")
            #expect(a["pid"].int != nil)
            #expect(a["exit_code"].isNull && a["signal"].isNull)
            #expect(a["end_date"].double! >= a["start_date"].double!)
            let path = a["log_path"].string ?? ""
            #expect(path.hasPrefix(s.home.path + "/logs/example_fanout/"))
            #expect(path.hasSuffix("/\(a["task_id"].string!).1.log"))
        }
        let join = try #require(rows.attempts(of: "join").first)
        #expect(try log(join).contains("sum of squares = 55"))
        #expect(try log(rows.attempts(of: "start").first!).contains("splitting work for 2026-11-05"))

        let show = try s.run("runs", "show", rows.runId)
        #expect(show.status == 0)
        for t in rows.tasks.keys { #expect(show.stdout.contains(t)) }
        let logs = try s.run("logs", rows.runId, "join")
        #expect(logs.status == 0)
        #expect(logs.stdout.contains("sum of squares = 55"))
        let list = try s.run("runs", "list", "example_fanout")
        #expect(list.stdout.contains(rows.runId) && list.stdout.contains("manual"))
    }

    @Test func retriesAreSeparateAttemptsWithTheirOwnLogFiles() throws {
        let s = try OrchSandbox(); defer { s.cleanup() }
        let r = try s.run("run", "example_retries")
        #expect(r.status == 0, "\(r.output)")
        let rows = try RunRows(try s.database(), dagId: "example_retries")
        #expect(rows.state == "success")
        let flaky = rows.attempts(of: "flaky")
        #expect(flaky.map { $0["try_number"].int } == [1, 2, 3])
        #expect(flaky.map { $0["state"].string } == ["failed", "failed", "success"])
        #expect(Set(flaky.compactMap { $0["log_path"].string }).count == 3)
        for (i, a) in flaky.enumerated() {
            #expect(a["log_path"].string?.hasSuffix("/flaky.\(i + 1).log") == true)
            #expect(try log(a).contains("try \(i + 1)"))
        }
        #expect(flaky[0]["error"].string?.contains("simulated failure on try 1") == true)
        // Each retry starts after the previous try ended.
        for (a, b) in zip(flaky, flaky.dropFirst()) { #expect(b["start_date"].double! >= a["end_date"].double!) }
        let first = try s.run("logs", rows.runId, "flaky", "--try", "1")
        #expect(first.stdout.contains("simulated failure on try 1"))
        #expect(!first.stdout.contains("third time lucky"))
        #expect(try s.run("logs", rows.runId, "flaky").stdout.contains("third time lucky"))
    }

    @Test func aTimedOutAttemptIsKilledAndSaysSo() throws {
        let s = try OrchSandbox(); defer { s.cleanup() }
        let r = try s.run("run", "example_timeout")
        // `report` (all_done) is the only leaf and succeeds.
        #expect(r.status == 0, "\(r.output)")
        let rows = try RunRows(try s.database(), dagId: "example_timeout")
        #expect(rows.tasks == ["hang": "failed", "ignores_sigterm": "failed", "report": "success"])
        for task in ["hang", "ignores_sigterm"] {
            let a = try #require(rows.attempts(of: task).first)
            #expect(rows.attempts(of: task).count == 1)
            #expect(a["error"].string?.contains("timed out after 1 s and was killed") == true, "\(a["error"])")
            #expect(a["end_date"].double != nil)
        }
        #expect(try log(rows.attempts(of: "ignores_sigterm")[0]).contains("ignoring SIGTERM"))
        let show = try s.run("runs", "show", rows.runId)
        #expect(show.stdout.contains("timed out"))
    }

    @Test func childrenKilledBySIGSEGVAndSIGKILLAreRecordedAndRetried() throws {
        let s = try OrchSandbox(); defer { s.cleanup() }
        let r = try s.run("run", "example_crash")
        #expect(r.status == 0, "\(r.output)")
        let rows = try RunRows(try s.database(), dagId: "example_crash")
        #expect(rows.state == "success")
        for (task, signal) in [("segfault", 11), ("killed", 9)] {
            let tries = rows.attempts(of: task)
            #expect(tries.map { $0["state"].string } == ["failed", "success"])
            #expect(tries.map { $0["signal"].int } == [signal, nil])
            #expect(tries[0]["exit_code"].isNull)
            #expect(tries[0]["error"].string?.contains("killed by signal \(signal)") == true)
            #expect(try log(tries[1]).contains("second try survives"))
        }
        let show = try s.run("runs", "show", rows.runId)
        #expect(show.stdout.contains("SIGSEGV") && show.stdout.contains("SIGKILL"))
    }

    @Test func triggerRulesDecideDownstream() throws {
        let s = try OrchSandbox(); defer { s.cleanup() }
        let r = try s.run("run", "example_trigger_rules")
        #expect(r.status == 0, "\(r.output)")
        let rows = try RunRows(try s.database(), dagId: "example_trigger_rules")
        #expect(rows.tasks == ["extract_ok": "success", "extract_bad": "failed", "notify_on_failure": "success",
                               "on_ok_failure_handler": "skipped", "load": "upstream_failed", "cleanup": "success"])
        #expect(rows.attempts(of: "load").isEmpty)
        #expect(rows.attempts(of: "on_ok_failure_handler").isEmpty)
    }

    @Test func shellTasksExitCodesAndEnvironment() throws {
        let s = try OrchSandbox(); defer { s.cleanup() }
        let r = try s.run("run", "example_shell", "--logical-date", "2026-11-07")
        #expect(r.status == 0, "\(r.output)")
        let rows = try RunRows(try s.database(), dagId: "example_shell")
        #expect(rows.tasks == ["hello": "success", "count_files": "success", "exit_3": "failed", "after_shell": "success"])
        let failing = rows.attempts(of: "exit_3")
        #expect(failing.count == 2)
        #expect(failing.allSatisfy { $0["error"].string?.contains("code 3") == true })
        // The attempt's exit status is the command's, not that of the `orch tasks run` wrapper.
        #expect(failing.map { $0["exit_code"].int } == [3, 3])
        #expect(try log(failing[0]).contains("about to fail"))
        #expect(try log(rows.attempts(of: "hello")[0]).contains("hello from example_shell/hello, logical date 2026-11-07"))
    }

    @Test func xcomParamsAndConfInProcess() throws {
        let s = try OrchSandbox(); defer { s.cleanup() }
        let r = try s.run("run", "example_xcom", "--conf", #"{"greeting": "hi"}"#)
        #expect(r.status == 0, "\(r.output)")
        let rows = try RunRows(try s.database(), dagId: "example_xcom")
        // Its tasks are declared `.inProcess`: a bundle DAG's in-process tasks run in the bundle's task host, one
        // process for all of them (CLITaskHostTests), and are recorded so.
        #expect(!rows.attempts.isEmpty && rows.attempts.allSatisfy { $0["isolation"].string == "in_process" })
        #expect(try log(rows.attempts(of: "consume")[0]).contains("received: hi hi hi"))
        let xcom = try s.database().queryOne("SELECT value FROM xcom WHERE run_pk = ? AND key = 'message'", [rows.runPk])
        #expect(xcom?["value"].string == #""hi hi hi""#)
    }

    @Test func aFailedRunExitsNonZero() throws {
        let s = try OrchSandbox(); defer { s.cleanup() }
        // Bad conf is refused before anything runs.
        let bad = try s.run("run", "example_xcom", "--conf", "[1]")
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("--conf must be a JSON object"))
        let unknown = try s.run("run", "no_such_dag")
        #expect(unknown.status != 0)
        #expect(unknown.stderr.contains("no DAG 'no_such_dag'"))
    }
}
