import Foundation
import OrchCore
import OrchRuntime
import OrchStore
import Testing

/// The run engine on a real database with in-process attempts: max_active_runs, pools, retries, pause, recovery.
@Suite struct EngineTests {
    @Test(arguments: StoreBackend.allCases)
    func maxActiveRunsAdmitsOneRunAtATime(_ backend: StoreBackend) async throws {
        let f = try EngineFixture(backend); defer { f.cleanup() }
        let gate = Gate()
        let dag = DAG("serial", maxActiveRuns: 1, defaults: TaskDefaults(isolation: .inProcess)) { d in
            d.task("t") { _ in await gate.wait() }
        }
        let bag = try DAGBag([dag])
        try f.store.syncDAGs(bag.dags, pausedOnCreation: false, now: Date())
        let runs = try (1...3).map { try f.createRun(dag, day: $0) }
        let signal = AsyncSignal()
        let engine = f.engine(bag, signal: signal)
        await engine.step()
        #expect(try f.store.runs(RunQuery(dagId: "serial")).filter { $0.state == .running }.map(\.pk) == [runs[0].pk])
        #expect(await engine.activeRunCount == 1)
        gate.openGate()
        await f.drive(engine, signal, runs: runs.map(\.pk))
        let done = try runs.map { try #require(try f.store.run(pk: $0.pk)) }
        #expect(done.allSatisfy { $0.state == .success })
        for (a, b) in zip(done, done.dropFirst()) {
            #expect(b.startDate! >= a.endDate!, "run \(b.runId) started before \(a.runId) ended")
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func aNamedPoolLimitsTasksAcrossDAGs(_ backend: StoreBackend) async throws {
        let f = try EngineFixture(backend); defer { f.cleanup() }
        try f.store.setPool("db", slots: 1, description: "one connection")
        let gate = Gate()
        let probe = ConcurrencyProbe()
        func dag(_ id: String) -> DAG {
            DAG(id, defaults: TaskDefaults(isolation: .inProcess, pool: "db")) { d in
                for i in 1...2 {
                    d.task("q\(i)") { _ in probe.enter(); await gate.wait(); probe.leave() }
                }
                d.task("free", pool: "default_pool") { _ in }
            }
        }
        let bag = try DAGBag([dag("x"), dag("y")])
        try f.store.syncDAGs(bag.dags, pausedOnCreation: false, now: Date())
        let runs = [try f.createRun(bag.dag("x")!, day: 1), try f.createRun(bag.dag("y")!, day: 1)]
        let signal = AsyncSignal()
        let engine = f.engine(bag, slots: 8, signal: signal)
        await engine.step()
        var startedInPool = 0
        for r in runs {
            startedInPool += try f.store.taskInstances(runPk: r.pk).filter { $0.taskId.hasPrefix("q") && $0.tryNumber > 0 }.count
        }
        #expect(startedInPool == 1)
        gate.openGate()
        await f.drive(engine, signal, runs: runs.map(\.pk))
        #expect(probe.maximum == 1)
        for r in runs { #expect(try f.store.run(pk: r.pk)?.state == .success) }
    }

    @Test(arguments: StoreBackend.allCases)
    func maxActiveTasksLimitsOneDAG(_ backend: StoreBackend) async throws {
        let f = try EngineFixture(backend); defer { f.cleanup() }
        let gate = Gate()
        let dag = DAG("narrow", maxActiveTasks: 2, defaults: TaskDefaults(isolation: .inProcess)) { d in
            for i in 1...5 { d.task("t\(i)") { _ in await gate.wait() } }
        }
        let bag = try DAGBag([dag])
        try f.store.syncDAGs(bag.dags, pausedOnCreation: false, now: Date())
        let run = try f.createRun(dag, day: 1)
        let signal = AsyncSignal()
        let engine = f.engine(bag, slots: 8, signal: signal)
        await engine.step()
        #expect(await engine.runningCount == 2)
        gate.openGate()
        await f.drive(engine, signal, runs: [run.pk])
        #expect(try f.store.run(pk: run.pk)?.state == .success)
    }

    @Test(arguments: StoreBackend.allCases)
    func aRunWithNothingRunningGetsASlotBeforeABigRunGetsMore(_ backend: StoreBackend) async throws {
        let f = try EngineFixture(backend); defer { f.cleanup() }
        let gate = Gate()
        let big = DAG("big", defaults: TaskDefaults(isolation: .inProcess)) { d in
            for i in 1...6 { d.task("t\(i)") { _ in await gate.wait() } }
        }
        // The small task waits too: if it ended before the checks below, its freed slot would go to the big
        // run (the engine steps again on every end) and the count would say nothing about the allocation.
        let small = DAG("small", defaults: TaskDefaults(isolation: .inProcess)) { d in
            d.task("only") { _ in await gate.wait() }
        }
        let bag = try DAGBag([big, small])
        try f.store.syncDAGs(bag.dags, pausedOnCreation: false, now: Date())
        let bigRun = try f.createRun(big, day: 1)      // older: first in line
        let smallRun = try f.createRun(small, day: 2)
        let signal = AsyncSignal()
        let engine = f.engine(bag, slots: 2, signal: signal)
        await engine.step()
        // Oldest-first alone would give both slots to the big run; the small one gets the second.
        #expect(try f.store.taskInstances(runPk: bigRun.pk).filter { $0.tryNumber > 0 }.count == 1)
        #expect(try f.store.taskInstances(runPk: smallRun.pk).first?.tryNumber == 1)
        gate.openGate()
        await f.drive(engine, signal, runs: [bigRun.pk, smallRun.pk])
        #expect(try f.store.run(pk: bigRun.pk)?.state == .success)
        #expect(try f.store.run(pk: smallRun.pk)?.state == .success)
    }

    @Test(arguments: StoreBackend.allCases)
    func retriesAreSeparateAttemptsWithTheirOwnLogs(_ backend: StoreBackend) async throws {
        let f = try EngineFixture(backend); defer { f.cleanup() }
        let dag = DAG("flaky", defaults: TaskDefaults(retries: 2, retryDelay: 0, isolation: .inProcess)) { d in
            d.task("t") { ctx in
                ctx.log("this is try \(ctx.tryNumber)")
                if ctx.tryNumber < 3 { throw TestFailure("boom \(ctx.tryNumber)") }
            } >> d.task("after") { ctx in ctx.log("after") }
        }
        let bag = try DAGBag([dag])
        try f.store.syncDAGs(bag.dags, pausedOnCreation: false, now: Date())
        let run = try f.createRun(dag, day: 1)
        let signal = AsyncSignal()
        let engine = f.engine(bag, signal: signal)
        await f.drive(engine, signal, runs: [run.pk])
        #expect(try f.store.run(pk: run.pk)?.state == .success)
        let attempts = try f.store.attempts(runPk: run.pk, taskId: "t")
        #expect(attempts.map(\.tryNumber) == [1, 2, 3])
        #expect(attempts.map(\.state) == [.failed, .failed, .success])
        #expect(attempts.map(\.error) == ["boom 1", "boom 2", nil])
        #expect(Set(attempts.map(\.logPath)).count == 3)
        for a in attempts {
            #expect(a.logPath.hasSuffix("/logs/flaky/\(run.runId)/t.\(a.tryNumber).log"))   // ':' is kept in file names
            let log = try String(contentsOfFile: a.logPath, encoding: .utf8)
            #expect(log.contains("this is try \(a.tryNumber)"))
            #expect(a.endDate != nil && a.endDate! >= a.startDate)
        }
        #expect(try f.store.attempts(runPk: run.pk, taskId: "after").count == 1)
    }

    @Test(arguments: StoreBackend.allCases)
    func anInProcessTimeoutFailsTheAttemptAndSaysSo(_ backend: StoreBackend) async throws {
        let f = try EngineFixture(backend); defer { f.cleanup() }
        let dag = DAG("slow", defaults: TaskDefaults(isolation: .inProcess)) { d in
            d.task("hang", timeout: 0.2) { _ in try await Task.sleep(nanoseconds: 30_000_000_000) }
        }
        let bag = try DAGBag([dag])
        try f.store.syncDAGs(bag.dags, pausedOnCreation: false, now: Date())
        let run = try f.createRun(dag, day: 1)
        let signal = AsyncSignal()
        await f.drive(f.engine(bag, signal: signal), signal, runs: [run.pk])
        #expect(try f.store.run(pk: run.pk)?.state == .failed)
        let a = try #require(try f.store.attempts(runPk: run.pk, taskId: "hang").first)
        #expect(a.error?.contains("timed out") == true)
    }

    @Test(arguments: StoreBackend.allCases)
    func theSchedulerLeavesPausedDAGsQueuedButAForegroundRunDoesNot(_ backend: StoreBackend) async throws {
        let f = try EngineFixture(backend); defer { f.cleanup() }
        let dag = DAG("paused", defaults: TaskDefaults(isolation: .inProcess)) { d in d.task("t") }
        let bag = try DAGBag([dag])
        try f.store.syncDAGs(bag.dags, pausedOnCreation: true, now: Date())
        let run = try f.createRun(dag, day: 1)
        let signal = AsyncSignal()
        let scheduler = f.engine(bag, signal: signal)
        await scheduler.step()
        #expect(try f.store.run(pk: run.pk)?.state == .queued)
        #expect(await scheduler.activeRunCount == 0)
        let foreground = RunEngine(bag: bag, store: f.store, pool: f.pool(bag, slots: 2), home: f.home,
                                   scope: .runs([run.pk]), owner: "foreground:1", signal: signal, honourPause: false)
        await f.drive(foreground, signal, runs: [run.pk])
        #expect(try f.store.run(pk: run.pk)?.state == .success)
    }

    @Test(arguments: StoreBackend.allCases)
    func anOrphanedAttemptWithoutResultIsFailedAndRetried(_ backend: StoreBackend) async throws {
        let f = try EngineFixture(backend); defer { f.cleanup() }
        let dag = DAG("orphan", defaults: TaskDefaults(retries: 1, retryDelay: 0, isolation: .inProcess)) { d in
            d.task("t") { ctx in ctx.log("try \(ctx.tryNumber)") }
        }
        let bag = try DAGBag([dag])
        try f.store.syncDAGs(bag.dags, pausedOnCreation: false, now: Date())
        let run = try f.createRun(dag, day: 1)
        // A scheduler that died: the run and try 1 are marked running, its process started (its lock file exists)
        // and is gone, leaving no result.
        let log = try recordTry1(f, run, dagId: "orphan")
        try FileManager.default.createDirectory(atPath: (log as NSString).deletingLastPathComponent,
                                                withIntermediateDirectories: true)
        #expect(FileManager.default.createFile(atPath: (log as NSString).deletingPathExtension + ".lock", contents: nil))
        let signal = AsyncSignal()
        await f.drive(f.engine(bag, signal: signal), signal, runs: [run.pk])
        let attempts = try f.store.attempts(runPk: run.pk, taskId: "t")
        #expect(attempts.map(\.state) == [.failed, .success])
        #expect(attempts.first?.error?.contains("left no result") == true)
        #expect(try f.store.run(pk: run.pk)?.state == .success)
    }

    /// A scheduler killed after recording an attempt and before launching it: no lock file, no pid. Nothing ran,
    /// so the next scheduler withdraws the record and runs the task as the same try; no retry is spent.
    @Test(arguments: StoreBackend.allCases)
    func anAttemptRecordedButNeverLaunchedRunsAgainAsTheSameTry(_ backend: StoreBackend) async throws {
        let f = try EngineFixture(backend); defer { f.cleanup() }
        let dag = DAG("unlaunched", defaults: TaskDefaults(isolation: .inProcess)) { d in
            d.task("t") { ctx in ctx.log("ran as try \(ctx.tryNumber)") } >> d.task("after") { _ in }
        }
        let bag = try DAGBag([dag])
        try f.store.syncDAGs(bag.dags, pausedOnCreation: false, now: Date())
        let run = try f.createRun(dag, day: 1)
        _ = try recordTry1(f, run, dagId: "unlaunched")
        let signal = AsyncSignal()
        await f.drive(f.engine(bag, signal: signal), signal, runs: [run.pk])
        let attempts = try f.store.attempts(runPk: run.pk, taskId: "t")
        #expect(attempts.map(\.state) == [.success])
        #expect(attempts.map(\.tryNumber) == [1])
        #expect(try f.store.taskInstances(runPk: run.pk).first { $0.taskId == "t" }?.tryNumber == 1)
        #expect(try f.store.run(pk: run.pk)?.state == .success)
    }

    @Test(arguments: StoreBackend.allCases)
    func anOrphanedAttemptThatLeftASuccessResultIsNotRunAgain(_ backend: StoreBackend) async throws {
        let f = try EngineFixture(backend); defer { f.cleanup() }
        let dag = DAG("orphan_ok", defaults: TaskDefaults(retries: 1, retryDelay: 0, isolation: .inProcess)) { d in
            d.task("t") { _ in throw TestFailure("must not run again") }
        }
        let bag = try DAGBag([dag])
        try f.store.syncDAGs(bag.dags, pausedOnCreation: false, now: Date())
        let run = try f.createRun(dag, day: 1)
        let log = try recordTry1(f, run, dagId: "orphan_ok")
        try FileManager.default.createDirectory(atPath: (log as NSString).deletingLastPathComponent,
                                                withIntermediateDirectories: true)
        try AttemptResultFile(status: .success, error: nil).write(to: (log as NSString).deletingPathExtension + ".lock")
        let signal = AsyncSignal()
        await f.drive(f.engine(bag, signal: signal), signal, runs: [run.pk])
        #expect(try f.store.attempts(runPk: run.pk, taskId: "t").map(\.state) == [.success])
        #expect(try f.store.run(pk: run.pk)?.state == .success)
    }

    @Test(arguments: StoreBackend.allCases)
    func xcomFlowsBetweenInProcessTasks(_ backend: StoreBackend) async throws {
        let f = try EngineFixture(backend); defer { f.cleanup() }
        let dag = DAG("x", params: ["n": 2], defaults: TaskDefaults(isolation: .inProcess)) { d in
            d.task("push") { ctx in try ctx.push("return_value", .number(Double(ctx.params["n"]?.intValue ?? 0) * 10)) }
                >> d.task("pull") { ctx in
                    guard try ctx.pull(from: "push") == 20 else { throw TestFailure("wrong value") }
                }
        }
        let bag = try DAGBag([dag])
        try f.store.syncDAGs(bag.dags, pausedOnCreation: false, now: Date())
        let run = try f.createRun(dag, day: 1)
        let signal = AsyncSignal()
        await f.drive(f.engine(bag, signal: signal), signal, runs: [run.pk])
        #expect(try f.store.run(pk: run.pk)?.state == .success)
        #expect(try f.store.pullXCom(runPk: run.pk, taskId: "push", key: "return_value") == 20)
    }
}

/// A scheduler that stopped mid-run: the run started and try 1 of its task `t` recorded as a process attempt, nothing
/// else (no process, no lock file). Returns the try's log path.
private func recordTry1(_ f: EngineFixture, _ run: RunRecord, dagId: String) throws -> String {
    try f.store.startRun(pk: run.pk, owner: "scheduler", now: Date())
    let log = f.home.attemptLogPath(dagId: dagId, runId: run.runId, taskId: "t", tryNumber: 1).path
    _ = try f.store.beginAttempt(runPk: run.pk, taskId: "t", tryNumber: 1, isolation: .process, logPath: log, now: Date())
    return log
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}
