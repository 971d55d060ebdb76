#if canImport(Glibc)
import Glibc
#endif
import Foundation
import OrchCore
import OrchRuntime
import Testing

/// Issue 11, with real child processes (the fake `orch` script of `WorkerPoolTests`): what an attempt leaves
/// alive, which variables reach it, and whose files it writes.
extension WorkerPoolTests {
    /// The leader dies of SIGTERM at the timeout, but a child it started in a new session ignores SIGTERM and
    /// keeps the attempt's lock: the attempt must not be reported ended until that child is gone too.
    @Test func anAttemptIsReportedEndedOnlyWhenNothingOfItLives() async throws {
        let f = try EngineFixture(); defer { f.cleanup() }
        let pidFile = f.home.root.appendingPathComponent("escaped.pid").path
        // (It prints first, so the pool's fork-server probe of this fake `orch` fails at once.)
        let p = try pool(f, script: """
            echo started
            setsid sh -c 'trap "" TERM; echo $$ > "$0"; exec sleep 30' '\(pidFile)' &
            sleep 60
            """, killGrace: 0.3)
        _ = await run(p, spec(f, task: "warm_up"), stopAfter: 0.1)   // the script is executable now (no ETXTBSY)
        try? FileManager.default.removeItem(atPath: pidFile)
        let s = spec(f)
        let stopper = Task {   // the engine's part: stop it at its timeout
            try await Task.sleep(nanoseconds: 500_000_000)
            p.stop(s, .terminate, reason: "test timeout")
        }
        defer { stopper.cancel() }
        let aliveAtEnd = await withCheckedContinuation { (c: CheckedContinuation<Bool?, Never>) in
            let task = TaskSpec(id: "t", action: .shell("unused"), isolation: .process)
            p.launch(s, task: task, callbacks: AttemptCallbacks(started: { _, _ in }, finished: { outcome in
                // Checked at the moment the attempt is reported ended.
                let pid = (try? String(contentsOfFile: pidFile, encoding: .utf8)).flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
                c.resume(returning: pid.map(isAlive))
            }))
        }
        #expect(aliveAtEnd == false, "the setsid child was alive when the attempt was reported ended (nil: it never started)")
        #expect(!AttemptLock.isHeld(s.lockPath))
    }

    /// Run ids that the old file names mapped to one folder (`..` and `_.`, `r:1` and `r_1`), running at the
    /// same time: each attempt gets its own log and lock.
    @Test func runsWhoseIdsLookAlikeGetTheirOwnLogsAtTheSameTime() async throws {
        let f = try EngineFixture(); defer { f.cleanup() }
        let p = try pool(f, script: "echo \"$ORCH_ATTEMPT_SPEC\"; sleep 0.5")
        _ = await run(p, spec(f, task: "warm_up"))
        let ids = ["..", "_.", "r:1", "r_1", ".", "_"]
        let specs = ids.map { spec(f, runId: $0) }
        #expect(Set(specs.map(\.logPath)).count == ids.count)
        let outcomes = await withTaskGroup(of: AttemptOutcome.self) { group in
            for s in specs { group.addTask { await self.run(p, s).0 } }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(outcomes == Array(repeating: .success, count: ids.count), "\(outcomes)")
        for s in specs {
            let log = try String(contentsOfFile: s.logPath, encoding: .utf8)
            #expect(try AttemptSpec.decode(log.split(separator: "\n").last.map(String.init) ?? "").runId == s.runId)
            #expect(log.split(separator: "\n").count == 1, "another run wrote into \(s.logPath)")
        }
    }

    /// The attempt process (here the fake `orch`) gets ordinary variables, never orch's secrets or unrelated
    /// variables of the scheduler; what its DAG asked for travels in its spec.
    @Test func secretsOfTheSchedulerDoNotReachTheAttemptProcess() async throws {
        let f = try EngineFixture(); defer { f.cleanup() }
        let secrets = ["ORCH_API_TOKEN": "tok-3f9a", "ORCH_ALERT_SECRET": "hmac-77c1",
                       "ORCH_ALERT_WEBHOOKS": "https://hooks.example.com/T0/B0/XYZ",
                       "ORCH_WAREHOUSE_DSN": "postgresql://orch:pw-91b2@127.0.0.1/orch"]
        for (k, v) in secrets { setenv(k, v, 1) }
        defer { for k in secrets.keys { unsetenv(k) } }
        let p = try pool(f, script: "tr '\\0' '\\n' < /proc/$$/environ")
        let s = spec(f)
        let (outcome, _) = await run(p, s)
        #expect(outcome == .success)
        let environ = try String(contentsOfFile: s.logPath, encoding: .utf8)
        #expect(environ.contains("PATH="))
        #expect(environ.contains("ORCH_HOME=\(f.home.root.path)"))
        for (k, v) in secrets {
            #expect(!environ.contains(v), "\(k)'s value reached the attempt process")
        }
    }
}

/// Alive, and not a zombie waiting for its reaper.
private func isAlive(_ pid: Int32) -> Bool {
    guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
          let entry = ProcessTable.parseStat(text) else { return false }
    return entry.isAlive
}
