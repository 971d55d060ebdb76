import Foundation
import OrchCore
import OrchRuntime
import OrchStore
import Synchronization
import Testing

/// When the engine reads the store for new or changed runs: a step taken for an attempt's end launches what the
/// end frees first and owes the read to the next step, which it asks for at once.
@Suite struct EngineStoreReadTests {
    @Test func aStepTakenForAnAttemptEndOwesTheStoreReadToTheNextStep() async throws {
        let f = try EngineFixture(); defer { f.cleanup() }
        let gate = Gate()
        let first = DAG("first", defaults: TaskDefaults(isolation: .inProcess)) { d in
            d.task("t") { _ in await gate.wait() }
        }
        let later = DAG("later", defaults: TaskDefaults(isolation: .inProcess)) { d in d.task("t") }
        let bag = try DAGBag([first, later])
        try f.store.syncDAGs(bag.dags, pausedOnCreation: false, now: Date())
        let firstRun = try f.createRun(first, day: 1)
        let clock = Mutex(Date())   // the engine's clock, moved by the test
        let now: @Sendable () -> Date = { clock.withLock { $0 } }
        let engine = RunEngine(bag: bag, store: f.store, pool: f.pool(bag, slots: 2), home: f.home,
                               scope: .scheduler, owner: "scheduler", signal: AsyncSignal(), clock: now)
        await engine.step()   // woken by nothing: reads the store, starts the first run's task
        #expect(await engine.runningCount == 1)
        let laterRun = try f.createRun(later, day: 1)
        clock.withLock { $0 += 10 }   // well past the store read interval
        gate.openGate()
        // The end waits in the engine's mailbox: the engine asks for a step now.
        let deadline = Date().addingTimeInterval(60)
        while await engine.nextWakeTime != now(), Date() < deadline { try await Task.sleep(for: .milliseconds(10)) }
        #expect(await engine.nextWakeTime == now())

        await engine.step()   // the end's step: records it, leaves the read of the new run to the next step
        #expect(try f.store.run(pk: firstRun.pk)?.state == .success)
        #expect(try f.store.run(pk: laterRun.pk)?.state == .queued)
        #expect(await engine.nextWakeTime == now())

        await engine.step()   // the owed read: the later run is admitted
        #expect(try f.store.run(pk: laterRun.pk)?.state != .queued)
        #expect(await engine.activeRunCount == 1)
    }
}
