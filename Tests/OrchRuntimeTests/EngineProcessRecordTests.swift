import Foundation
import OrchCore
@testable import OrchRuntime
import OrchStore
import Testing

/// A forked attempt's pid is recorded for display and for killing. When the child's end is read together with its
/// start, the pid is recorded by the step that records the end, in the same transaction, not in one of its own on
/// the reader's thread before the end can be handled.
@Suite struct EngineProcessRecordTests {
    /// An engine whose one attempt has begun (its body waits on `gate`), and the callbacks a forked child's
    /// attempt would get for it.
    private func begunAttempt(_ f: EngineFixture, gate: Gate) async throws
        -> (engine: RunEngine, run: RunRecord, callbacks: AttemptCallbacks) {
        let dag = DAG("one", defaults: TaskDefaults(isolation: .inProcess)) { d in
            d.task("t") { _ in await gate.wait() }
        }
        let bag = try DAGBag([dag])
        try f.store.syncDAGs(bag.dags, pausedOnCreation: false, now: Date())
        let run = try f.createRun(dag, day: 1)
        let engine = f.engine(bag, signal: AsyncSignal())
        await engine.step()
        let attempt = try #require(try f.store.attempts(runPk: run.pk, taskId: "t").first)
        let callbacks = engine.callbacks(AttemptKey(runPk: run.pk, taskId: "t"), tryNumber: 1, attemptId: attempt.id,
                                         recordsProcess: true)
        return (engine, run, callbacks)
    }

    @Test func aStartToldWithItsEndIsRecordedByTheEndsStep() async throws {
        let f = try EngineFixture(); defer { f.cleanup() }
        let gate = Gate()
        let (engine, run, callbacks) = try await begunAttempt(f, gate: gate)
        // As the pool calls them for a child whose `started` and `ended` came in one read.
        callbacks.startedWithEnd(4242, 77)
        #expect(try f.store.attempts(runPk: run.pk, taskId: "t").first?.pid == nil,
                "the reader's thread wrote the pid: a transaction of its own before the end")
        callbacks.finished(.success)

        await engine.step()   // the end's step
        let recorded = try #require(try f.store.attempts(runPk: run.pk, taskId: "t").first)
        #expect(recorded.state == .success)
        #expect(recorded.pid == 4242)
        #expect(recorded.pidStartTicks == 77)
        #expect(try f.store.run(pk: run.pk)?.state == .success)
        gate.openGate()   // the in-process body ends; its end is the attempt's second and changes nothing
    }

    @Test func aStartToldAloneIsRecordedAtOnce() async throws {
        let f = try EngineFixture(); defer { f.cleanup() }
        let gate = Gate()
        let (_, run, callbacks) = try await begunAttempt(f, gate: gate)
        callbacks.started(4343, 78)   // a child still running: killing it may need its pid before any step
        let recorded = try #require(try f.store.attempts(runPk: run.pk, taskId: "t").first)
        #expect(recorded.pid == 4343)
        #expect(recorded.pidStartTicks == 78)
        gate.openGate()
    }

    @Test func theEndedPidsOfOneReadAreThoseWhoseChildReportedItsEnd() {
        let events: [ForkServerProtocol.Event] = [
            .started(id: 1, pid: 10), .ended(pid: 10, exitCode: 0), .started(id: 2, pid: 11),
            .exited(pid: 12, exitCode: 1, signal: 0), .refused(id: 3, message: "no"),
            .exited(pid: 10, exitCode: 0, signal: 0),
        ]
        // 12 died without its report: what it left may still have to be stopped, so its pid is recorded at once.
        #expect(ForkServerProtocol.Event.endedPids(in: events) == [10])
        #expect(ForkServerProtocol.Event.endedPids(in: [.started(id: 1, pid: 10)]).isEmpty)
    }
}
