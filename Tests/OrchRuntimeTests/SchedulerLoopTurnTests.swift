import Foundation
import OrchCore
import OrchRuntime
import OrchStore
import Testing

/// The scheduler's turn: the step first, then the looks for runs to create (a turn taken for an attempt's end
/// launches the next attempt before reading every DAG row), and a run a look created is started by the next turn,
/// taken at once.
@Suite struct SchedulerLoopTurnTests {
    /// The loop sleeps an hour between idle turns here: the scheduled run the first turn's look creates runs to
    /// the end within the test's wait only if the loop turns again at once, as it must.
    @Test func aRunALookCreatesIsStartedByTheNextTurnAtOnce() async throws {
        let f = try EngineFixture()
        defer { f.cleanup() }
        let dag = DAG("due_at_start", schedule: "@daily", startDate: .utc(2026, 11, 1), catchup: false,
                      defaults: TaskDefaults(isolation: .inProcess)) { d in d.task("t") { _ in } }
        let bag = try DAGBag([dag])
        try f.store.syncDAGs(bag.dags, pausedOnCreation: false, now: Date())
        let loop = SchedulerLoop(bag: bag, store: f.store, home: f.home, pool: f.pool(bag, slots: 2),
                                 alerts: WebhookAlertComposer(targets: []))
        loop.idleTurn = 3600
        #expect(try loop.acquireLease() == nil)
        let running = Task { try await loop.run() }
        let store = f.store
        let finished = await eventually(within: 60) {
            (try? store.runs(RunQuery(dagId: "due_at_start", runTypes: [.scheduled])))?.first?.state == .success
        }
        loop.requestStop()
        try await running.value
        #expect(finished, "the scheduled run the first look created was not run without an idle turn")
        #expect(try store.runs(RunQuery(dagId: "due_at_start")).count == 1)
    }

}
