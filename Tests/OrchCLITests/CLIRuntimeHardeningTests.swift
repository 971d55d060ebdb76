#if canImport(Glibc)
import Glibc
#endif
import Foundation
import OrchSQLite
import Testing

/// Issue 11 (runtime part), end to end with the real `orch` binary, real task processes and a real SQLite file.
@Suite(.serialized) struct CLIRuntimeHardeningTests {
    /// `reliability_timeout_escape`: a shell task that ignores SIGTERM, with children in new sessions (one of them
    /// without the lock descriptor), times out after 1 s; its retry checks that nothing of try 1 lives. With the
    /// fork server and with plain spawning.
    @Test(arguments: ["1", "0"])
    func aTimedOutTaskLeavesNothingAliveAndItsRetryNeverOverlapsIt(_ forkServer: String) throws {
        let s = try OrchSandbox(); defer { s.cleanup() }
        let r = try s.run(["run", "reliability_timeout_escape"], environment: ["ORCH_FORK_SERVER": forkServer])
        #expect(r.status == 0, "\(r.output)")
        let rows = try RunRows(try s.database(), dagId: "reliability_timeout_escape")
        let tries = rows.attempts(of: "escape")
        #expect(tries.map { $0["state"].string } == ["failed", "success"])
        #expect(tries.first?["error"].string?.contains("timed out after 1 s") == true)
        if tries.count == 2 { #expect(tries[1]["start_date"].double! >= tries[0]["end_date"].double!) }
        // Try 2 ran `kill -0` on every pid try 1 wrote, and found none alive.
        let log2 = (try? String(contentsOfFile: tries.last?["log_path"].string ?? "", encoding: .utf8)) ?? ""
        #expect(log2.contains("nothing of try 1 is alive"), "\(log2)")
        let pids = pidsOfTry1(s)
        #expect(pids.count == 6)
        for pid in pids { #expect(!processIsAlive(pid), "process \(pid) of try 1 is alive after the run") }
    }

    /// The same task, but the scheduler that started try 1 is killed with SIGKILL while it runs: the next
    /// scheduler adopts the attempt, stops it at its timeout, and starts try 2 only when nothing of try 1 lives.
    @Test func anAdoptedAttemptThatTimesOutLeavesNothingAliveEither() throws {
        let s = try OrchSandbox(); defer { s.cleanup() }
        let paused = ["ORCH_DAGS_ARE_PAUSED_AT_CREATION": "true"]
        #expect(try s.run(["dags", "unpause", "reliability_timeout_escape"], environment: paused).status == 0)
        #expect(try s.run(["trigger", "reliability_timeout_escape"], environment: paused).status == 0)
        let first = try s.start(["scheduler"], environment: paused)
        let pidsWritten = s.waitFor(60) { pidsOfTry1(s).count == 6 }
        first.stop(SIGKILL)
        #expect(pidsWritten, "try 1 did not start all its processes: \(first.stderr)")
        let second = try s.start(["scheduler"], environment: paused)
        defer { second.stop(SIGTERM) }
        let db = try s.database()
        let finished = try s.waitFor(60) {
            let state = try db.queryOne("SELECT state FROM dag_run WHERE dag_id = 'reliability_timeout_escape'")?["state"].string
            return state == "success" || state == "failed"
        }
        #expect(finished, "the run did not finish after the restart: \(second.stderr)")
        let tries = try RunRows(db, dagId: "reliability_timeout_escape").attempts(of: "escape")
        #expect(tries.map { $0["state"].string } == ["failed", "success"])
        if tries.count == 2 { #expect(tries[1]["start_date"].double! >= tries[0]["end_date"].double!) }
        let log2 = (try? String(contentsOfFile: tries.last?["log_path"].string ?? "", encoding: .utf8)) ?? ""
        #expect(log2.contains("nothing of try 1 is alive"), "\(log2)")
        for pid in pidsOfTry1(s) { #expect(!processIsAlive(pid), "process \(pid) of try 1 is alive after the run") }
    }

    /// `reliability_guardian`: the attempt process ends what its task leaves running before the attempt ends, and a
    /// Swift task stopped at its timeout dies of the SIGTERM with its two log lines (the stop runs in the signal
    /// handler, with no thread of the attempt's own). With the fork server and with plain spawning.
    @Test(arguments: ["1", "0"])
    func anAttemptProcessEndsWhatItsTaskLeavesAndDiesOfItsStopSignal(_ forkServer: String) throws {
        let s = try OrchSandbox(); defer { s.cleanup() }
        let r = try s.run(["run", "reliability_guardian"], environment: ["ORCH_FORK_SERVER": forkServer])
        #expect(r.status != 0, "the run has a timed-out task: \(r.output)")
        let rows = try RunRows(try s.database(), dagId: "reliability_guardian")
        let background = try #require(rows.attempts(of: "background").first)
        #expect(background["state"].string == "success")
        let backgroundLog = try String(contentsOfFile: background["log_path"].string ?? "", encoding: .utf8)
        #expect(backgroundLog.contains("stopped 1 process(es) the task left running"), "\(backgroundLog)")
        let pidFile = try #require((try FileManager.default.contentsOfDirectory(atPath: s.home.path)).first { $0.hasPrefix("background-") })
        let pid = try #require(Int32(try String(contentsOfFile: s.home.appendingPathComponent(pidFile).path, encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(!processIsAlive(pid), "the sleep the task left was alive after its attempt ended")

        let stopped = try #require(rows.attempts(of: "stopped").first)
        #expect(stopped["state"].string == "failed")
        #expect(stopped["error"].string?.contains("timed out after 1 s") == true, "\(stopped["error"].string ?? "")")
        let stoppedLog = try String(contentsOfFile: stopped["log_path"].string ?? "", encoding: .utf8)
        let lines = stoppedLog.split(separator: "\n")
        #expect(lines.contains { $0.hasSuffix("] received SIGTERM: stopping the task's processes (SIGKILL after 5 s)") }, "\(stoppedLog)")
        #expect(lines.contains { $0.hasSuffix("] stopped 0 process(es) of the task; ending the attempt by SIGTERM") }, "\(stoppedLog)")
        // The handler's lines carry the logger's timestamp: `[2026-12-01T05:30:00.123Z] `.
        for line in lines where line.contains("SIGTERM") {
            #expect(line.range(of: #"^\[\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z\] "#, options: .regularExpression) != nil, "\(line)")
        }
    }

    /// `reliability_attempt_thread`: a Swift task in a process of its own runs its body on that process's main
    /// thread (CallingThreadExecutor), forked by the fork server or spawned as `tasks run`.
    @Test(arguments: ["1", "0"])
    func aProcessTasksBodyRunsOnItsProcesssMainThread(_ forkServer: String) throws {
        let s = try OrchSandbox(); defer { s.cleanup() }
        let r = try s.run(["run", "reliability_attempt_thread"], environment: ["ORCH_FORK_SERVER": forkServer])
        #expect(r.status == 0, "\(r.output)")
        let rows = try RunRows(try s.database(), dagId: "reliability_attempt_thread")
        let log = try String(contentsOfFile: try #require(rows.attempts(of: "where").first?["log_path"].string),
                             encoding: .utf8)
        let line = try #require(log.split(separator: "\n").first { $0.contains("body-thread") }, "\(log)")
        let fields = Dictionary(uniqueKeysWithValues: line.split(separator: " ").compactMap { part -> (String, String)? in
            let kv = part.split(separator: "=", maxSplits: 1)
            return kv.count == 2 ? (String(kv[0]), String(kv[1])) : nil
        })
        #expect(fields["tid"] != nil && fields["tid"] == fields["pid"], "\(line)")
    }

    /// `reliability_task_env` copies `/proc/<pid>/environ` of its running shell and of the attempt process.
    @Test(arguments: ["1", "0"])
    func secretsDoNotReachTaskProcesses(_ forkServer: String) throws {
        let s = try OrchSandbox(); defer { s.cleanup() }
        let secrets = ["ORCH_API_TOKEN": "tok-5be0c1", "ORCH_ALERT_SECRET": "hmac-9d2e",
                       "ORCH_ALERT_WEBHOOKS": "http://127.0.0.1:9/hook-4a7f",
                       "ORCH_WAREHOUSE_DSN": "postgresql://orch:pw-81c3@127.0.0.1:5432/orch"]
        var env = secrets
        env["ORCH_FORK_SERVER"] = forkServer
        env["RELIABILITY_VISIBLE"] = "asked-for"
        env["ORCH_FORK_SERVER_HUGE_PAGES"] = "1"   // passed to the fork server, which removes it like LD_BIND_NOW
        let r = try s.run(["run", "reliability_task_env"], environment: env)
        #expect(r.status == 0, "\(r.output)")
        let dir = try #require(try FileManager.default.contentsOfDirectory(atPath: s.home.path).first { $0.hasPrefix("task-env-") })
        for file in ["shell.env", "attempt.env"] {
            let environ = try String(contentsOfFile: s.home.appendingPathComponent("\(dir)/\(file)").path, encoding: .utf8)
            #expect(environ.contains("PATH="), "\(file)")
            for (name, value) in secrets { #expect(!environ.contains(value), "\(name) reached \(file)") }
        }
        // The fork server's own LD_BIND_NOW and ORCH_FORK_SERVER_HUGE_PAGES (ForkServer.helperEnvironment) are
        // removed from its environment before it forks: what an attempt starts does not inherit them. (The attempt
        // process's /proc/<pid>/environ still shows the block the server was started with; getenv does not.)
        let shellEnviron = try String(contentsOfFile: s.home.appendingPathComponent("\(dir)/shell.env").path, encoding: .utf8)
        #expect(!shellEnviron.contains("LD_BIND_NOW") && !shellEnviron.contains("ORCH_FORK_SERVER_HUGE_PAGES"))
        let shell = try String(contentsOfFile: s.home.appendingPathComponent("\(dir)/shell.env").path, encoding: .utf8)
        #expect(shell.contains("RELIABILITY_VISIBLE=asked-for"))
        #expect(shell.contains("ORCH_RUN_ID="))
        // The shell's commands start with no signal blocked and SIGTERM/SIGCHLD not ignored (a shell that inherited
        // the attempt process's thread mask hung in `wait` and could not be stopped by SIGTERM).
        let signals = try String(contentsOfFile: s.home.appendingPathComponent("\(dir)/signals").path, encoding: .utf8)
        #expect(signals.contains("SigBlk:\t0000000000000000"), "\(signals)")
        let ignored = signals.split(separator: "\n").first { $0.hasPrefix("SigIgn:") }
            .flatMap { UInt64($0.dropFirst(7).trimmingCharacters(in: .whitespaces), radix: 16) } ?? ~0
        for sig in [SIGTERM, SIGINT, SIGCHLD] { #expect(ignored & (1 << UInt64(sig - 1)) == 0, "signal \(sig) ignored") }
    }

    /// A conf of 200 KiB (read from a file with `--conf @FILE`): the shell task starts and reads it from
    /// ORCH_PARAMS_FILE; ORCH_PARAMS is left out. With the fork server and with plain spawning (where the
    /// attempt's spec is over the environment limit too).
    @Test(arguments: ["1", "0"])
    func aConfOf200KiBWorksInAShellTask(_ forkServer: String) throws {
        let s = try OrchSandbox(); defer { s.cleanup() }
        let conf = "{\"blob\": \"" + String(repeating: "z", count: 200 * 1024) + "\"}"
        let confPath = s.home.appendingPathComponent("conf.json").path
        try conf.write(toFile: confPath, atomically: true, encoding: .utf8)
        let r = try s.run(["run", "reliability_task_env", "--conf", "@" + confPath], environment: ["ORCH_FORK_SERVER": forkServer])
        #expect(r.status == 0, "\(r.output)")
        let dir = try #require(try FileManager.default.contentsOfDirectory(atPath: s.home.path).first { $0.hasPrefix("task-env-") })
        let bytes = try String(contentsOfFile: s.home.appendingPathComponent("\(dir)/params-file-bytes").path, encoding: .utf8)
        #expect(Int(bytes.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0 > 200 * 1024)
        let orchParams = try String(contentsOfFile: s.home.appendingPathComponent("\(dir)/orch-params").path, encoding: .utf8)
        #expect(orchParams.trimmingCharacters(in: .whitespacesAndNewlines) == "unset")
    }

    @Test func aZeroByteDatabaseIsRefusedUntilInitIsAskedFor() throws {
        let s = try OrchSandbox(); defer { s.cleanup() }
        #expect(FileManager.default.createFile(atPath: s.databasePath, contents: nil))
        let r = try s.run("runs", "list", "example_shell")
        #expect(r.status != 0)
        #expect(r.stderr.contains(s.databasePath) && r.stderr.contains("orch db migrate --init"), "\(r.output)")
        #expect(try FileManager.default.attributesOfItem(atPath: s.databasePath)[.size] as? Int == 0)
        let migrate = try s.run("db", "migrate")
        #expect(migrate.status != 0)
        let initialized = try s.run("db", "migrate", "--init")
        #expect(initialized.status == 0, "\(initialized.output)")
        #expect(try s.run("runs", "list", "example_shell").status == 0)
    }

    /// Files and folders orch creates under ORCH_HOME are private to the user (looked at while a run is going on,
    /// when the database's -wal and -shm files exist).
    @Test func filesUnderTheHomeArePrivate() throws {
        let s = try OrchSandbox(); defer { s.cleanup() }
        let running = try s.start(["run", "example_timeout"])
        defer { running.process.waitUntilExit() }   // about 6 s: the run ends by itself
        #expect(s.waitFor(20) {
            // RunRows #requires the run row, and #require records an issue even under try?: look for it first.
            guard let db = try? s.database(),
                  (try? db.queryOne("SELECT id FROM dag_run WHERE dag_id = ?", ["example_timeout"])) ?? nil != nil,
                  let rows = try? RunRows(db, dagId: "example_timeout") else { return false }
            // The engine writes a step's attempt rows before it launches them: wait for the first one's log too.
            return rows.attempts.count >= 2 && FileManager.default.fileExists(atPath: s.databasePath + "-shm")
                && (rows.attempts.first?["log_path"].string).map(FileManager.default.fileExists) == true
        })
        let rows = try RunRows(try s.database(), dagId: "example_timeout")
        let log = try #require(rows.attempts.first?["log_path"].string)
        let expected: [(String, mode_t)] = [
            (s.home.path, 0o700), (s.home.appendingPathComponent("logs").path, 0o700),
            (s.home.appendingPathComponent("data").path, 0o700), (s.databasePath, 0o600),
            (s.databasePath + "-wal", 0o600), (s.databasePath + "-shm", 0o600), (log, 0o600),
            ((log as NSString).deletingLastPathComponent, 0o700),
        ]
        for (path, mode) in expected {
            var st = stat()
            #expect(stat(path, &st) == 0, "\(path) missing")
            #expect(String(st.st_mode & 0o777, radix: 8) == String(mode, radix: 8), "\(path)")
        }
    }
}

/// The pids try 1 of `reliability_timeout_escape` wrote: its shell's children and those of two setsid shells.
private func pidsOfTry1(_ s: OrchSandbox) -> [Int32] {
    guard let file = (try? FileManager.default.contentsOfDirectory(atPath: s.home.path))?.first(where: { $0.hasPrefix("escape-") }),
          let text = try? String(contentsOfFile: s.home.appendingPathComponent(file).path, encoding: .utf8) else { return [] }
    return text.split(whereSeparator: \.isWhitespace).compactMap { Int32($0) }
}

