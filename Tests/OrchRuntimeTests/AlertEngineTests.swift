import Foundation
import OrchCore
import OrchRuntime
import OrchStore
import Testing

struct FlakyTaskError: Error, CustomStringConvertible {
    var description: String { "the warehouse said no" }
}

/// A real run engine and worker pool (in-process attempts) over a temporary SQLite store, with the real
/// composer and dispatcher delivering to a loopback receiver.
@Suite("Alerts from the run engine") struct AlertEngineTests {
    @Test func aTaskFailingThroughAllRetriesAlertsOnceForTheTaskAndOnceForTheRun() async throws {
        let t = try AlertTestStore()
        defer { t.cleanup() }
        let receiver = try AlertReceiver()
        let dag = DAG("alert_engine_dag", defaults: TaskDefaults(isolation: .inProcess)) { d in
            let flaky = d.task("flaky", retries: 2, retryDelay: 0.01) { ctx in
                ctx.log("trying to load")
                throw FlakyTaskError()
            }
            let after = d.task("after") { _ in }
            flaky >> after
        }
        let bag = try DAGBag([dag])
        try t.store.syncDAGs(bag.dags, pausedOnCreation: false, now: Date())
        let home = OrchHome(path: t.dir.appendingPathComponent("home").path)
        try home.prepare()
        let store = t.store
        let pool = WorkerPool(slots: 2, lookupTask: { d, task in bag.dag(d)?.task(task) },
                              runXCom: { runPk in EngineXCom(store: store, runPk: runPk) })
        let run = try RunFactory.create(store: store, dag: dag, type: .manual,
                                        interval: RunFactory.interval(for: dag, logicalDate: Date()), conf: [:],
                                        owner: "test", now: Date())
        let signal = AsyncSignal()
        let engine = RunEngine(bag: bag, store: store, pool: pool, home: home, scope: .runs([run.pk]), owner: "test",
                               alerts: WebhookAlertComposer(targets: [receiver.url]), signal: signal, honourPause: false)
        let runPk = run.pk
        await EngineDriver.drive(engine, signal: signal) { (try? store.run(pk: runPk))?.state.isFinished ?? true }
        #expect(try store.run(pk: run.pk)?.state == .failed)
        #expect(try store.attempts(runPk: run.pk, taskId: "flaky").count == 3)

        let outbox = try store.alerts(AlertQuery(runId: run.runId))
        #expect(outbox.map(\.event).sorted() == ["dag_run_failed", "task_failed"])
        let taskAlert = try #require(outbox.first { $0.event == "task_failed" })
        #expect(taskAlert.taskId == "flaky" && taskAlert.tryNumber == 3)

        let dispatcher = AlertDispatcher(store: store, secret: "k", options: testDispatcherOptions(), log: { _ in })
        let left = await dispatcher.flush(createdSince: .distantPast, within: 20)
        #expect(left == 0)
        let received = receiver.requests.map(\.json)
        #expect(received.compactMap { $0["event"] as? String }.sorted() == ["dag_run_failed", "task_failed"])
        let failed = try #require(received.first { $0["event"] as? String == "task_failed" })
        #expect(failed["try_number"] as? Int == 3)
        #expect((failed["error"] as? String ?? "").contains("the warehouse said no"))
        #expect((failed["log_tail"] as? String ?? "").contains("trying to load"))
        let runFailed = try #require(received.first { $0["event"] as? String == "dag_run_failed" })
        #expect((runFailed["error"] as? String ?? "").contains("flaky"))
        #expect(runFailed["task_id"] is NSNull)
    }
}
