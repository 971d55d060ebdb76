#if canImport(Glibc)
import Glibc
#endif
import Foundation
import OrchCore
import OrchRuntime
import Testing

/// The worker pool with real child processes: a small shell script stands in for the re-executed `orch`.
@Suite struct WorkerPoolTests {
    /// Writes an executable script and returns a pool that runs it for every process-isolated attempt.
    func pool(_ f: EngineFixture, script: String, killGrace: Double = 5) throws -> WorkerPool {
        let path = f.home.root.appendingPathComponent("fake-orch.sh").path
        try ("#!/bin/sh\n" + script + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        chmod(path, 0o755)
        let bag = try DAGBag([])
        return f.pool(bag, slots: 2, executable: path, killGrace: killGrace)
    }

    func spec(_ f: EngineFixture, task: String = "t", tryNumber: Int = 1, runId: String = "manual__x") -> AttemptSpec {
        AttemptSpec(dagId: "d", taskId: task, runId: runId, runPk: 1, tryNumber: tryNumber,
                    logicalDate: .utc(2026, 11, 1), dataInterval: DataInterval(start: .utc(2026, 11, 1), end: .utc(2026, 11, 2)),
                    params: [:], logPath: f.home.attemptLogPath(dagId: "d", runId: runId, taskId: task, tryNumber: tryNumber).path,
                    home: f.home.root.path, databasePath: f.home.databasePath)
    }

    /// Launches and waits for the outcome; returns it with the child's pid. With `stopAfter`, the test plays the
    /// engine's part at a timeout: `stop(.terminate)` after that many seconds, `stop(.kill)` grace + 1 s later.
    func run(_ pool: WorkerPool, _ spec: AttemptSpec, stopAfter timeout: Double? = nil) async -> (AttemptOutcome, Int32?) {
        // A script just written may be briefly "busy" (ETXTBSY) while a process forked at the same moment by a
        // parallel test still holds its write descriptor: a test-harness race, not the pool's. Try again then.
        for _ in 0..<20 {
            let (outcome, pid) = await runOnce(pool, spec, stopAfter: timeout)
            if case .failed(_, let error) = outcome, error.contains("Text file busy") {
                try? await Task.sleep(nanoseconds: 50_000_000)
                continue
            }
            return (outcome, pid)
        }
        return await runOnce(pool, spec, stopAfter: timeout)
    }

    private func runOnce(_ pool: WorkerPool, _ spec: AttemptSpec, stopAfter timeout: Double?) async -> (AttemptOutcome, Int32?) {
        let pid = PidBox()
        let task = TaskSpec(id: spec.taskId, action: .shell("unused"), isolation: .process)
        let stopper = Task {
            guard let timeout else { return }
            try await Task.sleep(nanoseconds: UInt64(timeout * 1e9))
            pool.stop(spec, .terminate, reason: "test timeout")
            try await Task.sleep(nanoseconds: UInt64((pool.killGrace + 1) * 1e9))
            pool.stop(spec, .kill, reason: "test timeout")
        }
        let outcome = await withCheckedContinuation { (c: CheckedContinuation<AttemptOutcome, Never>) in
            pool.launch(spec, task: task, callbacks: AttemptCallbacks(started: { p, _ in pid.set(p) },
                                                                      finished: { c.resume(returning: $0) }))
        }
        stopper.cancel()
        return (outcome, pid.value)
    }

    @Test func successCapturesStdoutStderrArgumentsAndTheSpec() async throws {
        let f = try EngineFixture(); defer { f.cleanup() }
        let p = try pool(f, script: "echo \"args: $*\"; echo to-stderr >&2; echo \"$ORCH_ATTEMPT_SPEC\"")
        let s = spec(f)
        let (outcome, pid) = await run(p, s)
        #expect(outcome == .success)
        #expect(pid != nil)
        let log = try String(contentsOfFile: s.logPath, encoding: .utf8)
        #expect(log.contains("args: tasks run d t --run manual__x --try 1"))
        #expect(log.contains("to-stderr"))
        var expected = s
        expected.killGrace = 5   // the pool tells the attempt its grace period
        let given = try AttemptSpec.decode(log.split(separator: "\n").last.map(String.init) ?? "")
        // XCom goes through the pool's socket with this attempt's grant; no database path reaches the process.
        #expect(given.databasePath == "")
        #expect(given.localXCom?.grant.runPk == s.runPk && given.localXCom?.grant.taskId == s.taskId)
        #expect(given.localXCom.map { FileManager.default.fileExists(atPath: $0.socket) } == true)
        expected.databasePath = ""
        expected.localXCom = given.localXCom
        #expect(given == expected)
        #expect(!AttemptLock.isHeld(s.lockPath))
    }

    @Test func aNonZeroExitFailsWithTheLastLogLine() async throws {
        let f = try EngineFixture(); defer { f.cleanup() }
        let (outcome, _) = await run(try pool(f, script: "echo 'disk full' >&2; exit 3"), spec(f))
        #expect(outcome == .failed(exitCode: 3, error: "disk full"))
    }

    @Test func exitCode99MeansSkipped() async throws {
        let f = try EngineFixture(); defer { f.cleanup() }
        let (outcome, _) = await run(try pool(f, script: "exit 99"), spec(f))
        guard case .skipped = outcome else { Issue.record("expected skipped, got \(outcome)"); return }
    }

    @Test(arguments: [("SEGV", Int32(11)), ("KILL", Int32(9)), ("ABRT", Int32(6))])
    func aChildKilledByASignalIsRecordedAsCrashed(_ name: String, _ number: Int32) async throws {
        let f = try EngineFixture(); defer { f.cleanup() }
        let (outcome, _) = await run(try pool(f, script: "echo about to die; kill -\(name) $$"), spec(f))
        guard case .crashed(let signal, let error) = outcome else { Issue.record("expected a crash, got \(outcome)"); return }
        #expect(signal == number)
        #expect(error == "about to die")
        #expect(outcome.summary.contains("SIG\(name)"))
    }

    /// The engine decides timeouts; the launcher's stop sends SIGTERM to the group, then SIGKILL to what is left,
    /// and reports how the process ended (the engine records it as a timeout).
    @Test func stopSendsSIGTERMThenSIGKILLToTheWholeProcessGroup() async throws {
        let f = try EngineFixture(); defer { f.cleanup() }
        // The shell ignores SIGTERM and keeps a grandchild: only SIGKILL of the group ends it.
        let p = try pool(f, script: "trap '' TERM; echo started; sleep 60 & while :; do sleep 0.05; done", killGrace: 0.3)
        let s = spec(f)
        let (outcome, pid) = await run(p, s, stopAfter: 0.3)
        guard case .crashed(let signal, _) = outcome else { Issue.record("expected a kill, got \(outcome)"); return }
        #expect(signal == SIGKILL)
        let group = try #require(pid)
        #expect(livingMembers(ofGroup: group).isEmpty, "processes of the attempt's group are still alive")
        #expect(!AttemptLock.isHeld(s.lockPath))
    }

    @Test func theSameAttemptCannotStartTwiceWhileItsLockIsHeld() async throws {
        let f = try EngineFixture(); defer { f.cleanup() }
        let p = try pool(f, script: "exec sleep 60", killGrace: 0.2)
        let s = spec(f)
        _ = await run(p, spec(f, task: "warm_up"), stopAfter: 0.1)   // the script is executable now (no ETXTBSY)
        let task = TaskSpec(id: "t", action: .shell("unused"), isolation: .process)
        let started = Gate()
        let first = Task {
            await withCheckedContinuation { (c: CheckedContinuation<AttemptOutcome, Never>) in
                p.launch(s, task: task, callbacks: AttemptCallbacks(started: { _, _ in started.openGate() },
                                                                    finished: { c.resume(returning: $0) }))
            }
        }
        await started.wait()
        #expect(AttemptLock.isHeld(s.lockPath))
        let (second, _) = await run(p, s)
        guard case .failed(_, let error) = second else { Issue.record("expected failure, got \(second)"); return }
        #expect(error.contains("is held"))
        p.stop(s, .terminate, reason: "test")
        guard case .crashed(SIGTERM, _) = await first.value else { Issue.record("expected SIGTERM"); return }
        #expect(!AttemptLock.isHeld(s.lockPath))
    }

    @Test func lockAndResultFilesSitBesideTheLogEvenWhenIdsContainDotLog() {
        let spec = AttemptSpec(dagId: "etl.logs", taskId: "read.logs", runId: "r", runPk: 1, tryNumber: 2,
                               logicalDate: .utc(2026, 11, 1), dataInterval: DataInterval(start: .utc(2026, 11, 1), end: .utc(2026, 11, 2)),
                               params: [:], logPath: "/h/logs/etl.logs/r/read.logs/2.log", home: "/h", databasePath: "/h/orch.db")
        #expect(spec.lockPath == "/h/logs/etl.logs/r/read.logs/2.lock")
        #expect(spec.resultPath == spec.lockPath)   // the result is written into the lock file
    }

    @Test func aTaskWhoseIdContainsDotLogRuns() async throws {
        let f = try EngineFixture(); defer { f.cleanup() }
        let (outcome, _) = await run(try pool(f, script: "echo fine"), spec(f, task: "read.logs"))
        #expect(outcome == .success)
    }

    @Test func aMissingExecutableFailsTheAttemptWithAReason() async throws {
        let f = try EngineFixture(); defer { f.cleanup() }
        let p = f.pool(try DAGBag([]), slots: 1, executable: "/nonexistent/orch")
        let (outcome, pid) = await run(p, spec(f))
        guard case .failed(_, let error) = outcome else { Issue.record("expected failure, got \(outcome)"); return }
        #expect(error.contains("cannot start /nonexistent/orch"))
        #expect(pid == nil)
    }

    @Test func adoptingAnAttemptWaitsForItsLockAndReadsItsResult() async throws {
        let f = try EngineFixture(); defer { f.cleanup() }
        // The "previous scheduler" started a child that writes its result file and exits.
        let s = spec(f)
        let result = s.resultPath
        let p = try pool(f, script: "sleep 0.3; printf '{\"status\":\"success\"}' > '\(result)'")
        _ = await run(p, spec(f, task: "warm_up"))   // the script is executable now (no ETXTBSY)
        try? FileManager.default.removeItem(atPath: result)
        let task = TaskSpec(id: "t", action: .shell("unused"), isolation: .process)
        let started = Gate()
        p.launch(s, task: task, callbacks: AttemptCallbacks(started: { _, _ in started.openGate() }, finished: { _ in }))
        await started.wait()
        let adopted = await withCheckedContinuation { (c: CheckedContinuation<AttemptOutcome, Never>) in
            p.adopt(s, pid: nil,
                    callbacks: AttemptCallbacks(started: { _, _ in }, finished: { c.resume(returning: $0) }))
        }
        #expect(adopted == .success)
    }
}

final class PidBox: @unchecked Sendable {
    private let lock = NSLock()
    private var pid: Int32?
    func set(_ p: Int32) { lock.withLock { pid = p } }
    var value: Int32? { lock.withLock { pid } }
}

/// Pids of processes in a process group that are not zombies (read from /proc; zombies may wait long for a reaper).
func livingMembers(ofGroup group: Int32) -> [Int32] {
    let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
    return entries.compactMap { Int32($0) }.filter { pid in
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return false }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        // fields[0] = state, fields[2] = process group.
        return fields.count > 2 && fields[0] != "Z" && Int32(fields[2]) == group
    }
}
