import Foundation
import OrchCore
import OrchRuntime
import OrchStore
import Testing

/// The run engine raises `deadline_missed` only for runs that could have met their deadline when they were created
/// (issue 16, item 10): a run queued on time and late alerts; a manual run of a long-past date does not.
@Suite struct DeadlineEngineTests {
    @Test func aRunOfALongPastDateRaisesNoDeadlineAlert() async throws {
        let t = try AlertTestStore()
        defer { t.cleanup() }
        let dag = DAG("deadline_dag", schedule: "@daily", defaults: TaskDefaults(isolation: .inProcess),
                      alerts: AlertRules(runDeadlineMinutes: 1)) { d in d.task("work") { _ in } }
        let bag = try DAGBag([dag])
        let store = t.store
        try store.syncDAGs(bag.dags, pausedOnCreation: false, now: Date())
        let home = OrchHome(path: t.dir.appendingPathComponent("home").path)
        try home.prepare()
        let now = Date()
        // Queued when its interval ended, 5 minutes ago: due 4 minutes ago, so late.
        let onTime = try RunFactory.create(store: store, dag: dag, type: .manual,
                                           interval: DataInterval(start: now.addingTimeInterval(-86_700),
                                                                  end: now.addingTimeInterval(-300)),
                                           conf: [:], owner: nil, now: now.addingTimeInterval(-300))
        // A backfill run of a date a month ago, queued now: its deadline passed long before it existed.
        let past = try RunFactory.create(store: store, dag: dag, type: .backfill,
                                         interval: DataInterval(start: now.addingTimeInterval(-31 * 86_400),
                                                                end: now.addingTimeInterval(-30 * 86_400)),
                                         conf: [:], owner: nil, now: now)
        let pool = WorkerPool(slots: 2, lookupTask: { d, task in bag.dag(d)?.task(task) },
                              runXCom: { runPk in EngineXCom(store: store, runPk: runPk) })
        let signal = AsyncSignal()
        let engine = RunEngine(bag: bag, store: store, pool: pool, home: home, scope: .runs([onTime.pk, past.pk]),
                               owner: "test", alerts: WebhookAlertComposer(targets: ["http://127.0.0.1:9/hook"]),
                               signal: signal, honourPause: false)
        let pks = [onTime.pk, past.pk]
        await EngineDriver.drive(engine, signal: signal) {
            pks.allSatisfy { (try? store.run(pk: $0))?.state.isFinished ?? true }
        }
        #expect(try store.run(pk: onTime.pk)?.state == .success)
        #expect(try store.run(pk: past.pk)?.state == .success)
        #expect(try store.alerts(AlertQuery(runId: onTime.runId)).map(\.event) == ["deadline_missed"])
        #expect(try store.alerts(AlertQuery(runId: past.runId)).isEmpty)
    }
}
