import Foundation
import OrchCore
import OrchRuntime
import OrchStore
import Testing

struct LoadNotReady: Error, CustomStringConvertible {
    var description: String { "the landing folder is not complete yet" }
}

/// OpenLineage events from a real run engine (in-process attempts, a real SQLite store) through the outbox to a
/// real receiver on loopback: down while the run happens, up after the dispatcher is replaced (a restart).
@Suite("OpenLineage delivery") struct OpenLineageDeliveryTests {
    static let landing = "file://lineage/landing"
    static let orders = "postgres://warehouse/silver.lineage_orders"

    static func dag() -> DAG {
        DAG("lineage_engine_dag", defaults: TaskDefaults(isolation: .inProcess)) { d in
            let extract = d.task("extract", outlets: [landing]) { ctx in
                try ctx.materialize(landing, AssetMaterialization(rowCount: 3))
            }
            let load = d.task("load", retries: 1, retryDelay: 0.01, inlets: [landing], outlets: [orders]) { ctx in
                if ctx.tryNumber == 1 { throw LoadNotReady() }
                try ctx.materialize(orders, AssetMaterialization(rowsInserted: 2, rowsUpdated: 1))
            }
            extract >> load
        }
    }

    @Test func eventsWaitForADownReceiverThenArriveOnceInOrderAfterARestart() async throws {
        let t = try AlertTestStore()
        defer { t.cleanup() }
        let port = try unusedLoopbackPort()
        let url = "http://127.0.0.1:\(port)/api/v1/lineage"
        let config = OpenLineageConfiguration(url: url, apiKey: "ol-secret-key", namespace: "orch-test")
        let dag = Self.dag()
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
                               lineage: OpenLineageComposer(config, orchVersion: "0.0.0-test"), signal: signal,
                               honourPause: false)
        let runPk = run.pk
        await EngineDriver.drive(engine, signal: signal) { (try? store.run(pk: runPk))?.state.isFinished ?? true }
        #expect(try store.run(pk: run.pk)?.state == .success)

        // extract: START, COMPLETE; load try 1: START, FAIL; load try 2: START, COMPLETE — in the outbox, in order.
        let queued = try store.alerts(AlertQuery(runId: run.runId, limit: 100, channel: .lineage)).reversed()
        let expected = [("openlineage.start", "extract", 1), ("openlineage.complete", "extract", 1),
                        ("openlineage.start", "load", 1), ("openlineage.fail", "load", 1),
                        ("openlineage.start", "load", 2), ("openlineage.complete", "load", 2)]
        #expect(queued.map { "\($0.event) \($0.taskId ?? "") \($0.tryNumber ?? 0)" }
                == expected.map { "\($0.0) \($0.1) \($0.2)" })
        #expect(try store.alerts(AlertQuery(runId: run.runId)).isEmpty, "lineage events are not listed as alerts")

        // The receiver is down: the first event is tried and rescheduled; none behind it of the same run is sent.
        let log = LogLines()
        let first = AlertDispatcher(store: store, secret: nil, options: lineageOptions(config),
                                    log: { line in log.append(line) })
        #expect(try await first.deliverDue() == 1, "only the run's oldest event is claimable")
        let afterTry = try store.alerts(AlertQuery(runId: run.runId, limit: 100, channel: .lineage))
        #expect(afterTry.allSatisfy { $0.state == .pending })
        #expect(afterTry.map(\.attempts).reduce(0, +) == 1)
        #expect(!log.lines.isEmpty)
        #expect(log.lines.allSatisfy { !$0.contains("ol-secret-key") && !$0.contains("/api/v1/lineage") })

        // Restart: a new process (connection and dispatcher) with the receiver up on the same port.
        let receiver = try AlertReceiver(port: port)
        let reopened = try t.reopen()
        let secondLog = LogLines()
        let second = AlertDispatcher(store: reopened, secret: "alert-secret", options: lineageOptions(config),
                                     log: { secondLog.append($0) })
        #expect(await second.flush(createdSince: .distantPast, within: 30) == 0, "\(secondLog.lines.suffix(5))")

        let got = receiver.requests
        #expect(got.count == 6, "each event exactly once")
        #expect(Set(got.map(\.deliveryId)).count == 6)
        #expect(got.map { $0.headers["x-orch-event"] ?? "" } == expected.map(\.0), "in the order they happened")
        #expect(got.allSatisfy { $0.headers["authorization"] == "Bearer ol-secret-key" })
        #expect(got.allSatisfy { $0.headers["x-orch-signature"] == nil }, "lineage events are not alert-signed")
        let bodies = got.map(\.json)
        try #require(bodies.count == 6, "the checks below read the six events")
        #expect(bodies.map { $0["eventType"] as? String ?? "" } == ["START", "COMPLETE", "START", "FAIL", "START", "COMPLETE"])
        let runIds = bodies.map { ($0["run"] as? [String: Any])?["runId"] as? String ?? "" }
        #expect(runIds[0] == runIds[1] && runIds[2] == runIds[3] && runIds[4] == runIds[5])
        #expect(Set(runIds).count == 3, "one OpenLineage run per attempt")
        let jobs = bodies.map { ($0["job"] as? [String: Any])?["name"] as? String ?? "" }
        #expect(jobs == ["lineage_engine_dag.extract", "lineage_engine_dag.extract", "lineage_engine_dag.load",
                         "lineage_engine_dag.load", "lineage_engine_dag.load", "lineage_engine_dag.load"])
        let fail = bodies[3]
        let failFacets = (fail["run"] as? [String: Any])?["facets"] as? [String: Any] ?? [:]
        #expect(((failFacets["errorMessage"] as? [String: Any])?["message"] as? String ?? "").contains("not complete yet"))
        let loadDone = bodies[5]
        let inputs = loadDone["inputs"] as? [[String: Any]] ?? []
        #expect(inputs.map { "\($0["namespace"] ?? "") \($0["name"] ?? "")" } == ["file://lineage landing"])
        let outputs = loadDone["outputs"] as? [[String: Any]] ?? []
        #expect(outputs.map { "\($0["namespace"] ?? "") \($0["name"] ?? "")" } == ["postgres://warehouse silver.lineage_orders"])
        let stats = (outputs.first?["outputFacets"] as? [String: Any])?["outputStatistics"] as? [String: Any]
        #expect(stats?["rowCount"] as? Int == 3, "inserted + updated, as reported through the context")
        let extractDone = bodies[1]
        let extractStats = ((extractDone["outputs"] as? [[String: Any]])?.first?["outputFacets"] as? [String: Any])?["outputStatistics"] as? [String: Any]
        #expect(extractStats?["rowCount"] as? Int == 3)

        let delivered = try reopened.alerts(AlertQuery(runId: run.runId, limit: 100, channel: .lineage))
        #expect(delivered.allSatisfy { $0.state == .delivered })
        #expect(try await second.deliverDue() == 0, "nothing is sent twice")
        #expect(receiver.requests.count == 6)
    }

    @Test(arguments: StoreBackend.allCases)
    func aRetryOfAnOlderEventHoldsBackTheRunsLaterEventsOnly(_ backend: StoreBackend) async throws {
        let t = try AlertTestStore(backend)
        defer { t.cleanup() }
        let now = Date()
        func draft(_ event: String, run: String, task: String) -> AlertDraft {
            AlertDraft(deliveryId: UUID().uuidString, event: event, target: "http://127.0.0.1:9/x", dagId: "d",
                       runId: run, taskId: task, tryNumber: 1, payload: "{}")
        }
        try t.store.enqueueAlerts([draft("openlineage.start", run: "r1", task: "a"),
                                   draft("openlineage.complete", run: "r1", task: "a"),
                                   draft("openlineage.start", run: "r1", task: "b"),
                                   draft("openlineage.start", run: "r2", task: "a"),
                                   draft("task_failed", run: "r1", task: "a")], now: now)
        let claimed = try t.store.claimDueAlerts(now: now, limit: 10, claimSeconds: 60)
        #expect(claimed.map(\.event).sorted() == ["openlineage.start", "openlineage.start", "task_failed"],
                "the oldest lineage event of each run, and alerts as before")
        // While r1's first event is claimed (in flight) or waiting for a retry, r1's later events stay put.
        #expect(try t.store.claimDueAlerts(now: now.addingTimeInterval(1), limit: 10, claimSeconds: 60).isEmpty)
        var r1First: ClaimedAlert?
        for c in claimed where c.event == "openlineage.start" {
            if try t.store.alert(id: c.id)?.runId == "r1" { r1First = c }
        }
        let first = try #require(r1First)
        try t.store.recordAlertAttempt(first, attemptedAt: now, statusCode: 503, error: "HTTP 503", durationMs: 1,
                                       disposition: .retry(at: now.addingTimeInterval(30)))
        #expect(try t.store.claimDueAlerts(now: now.addingTimeInterval(2), limit: 10, claimSeconds: 60).isEmpty)
        // Retried and delivered: the next one of r1 becomes due.
        let again = try t.store.claimDueAlerts(now: now.addingTimeInterval(31), limit: 10, claimSeconds: 60)
        #expect(again.map(\.id) == [first.id])
        try t.store.recordAlertAttempt(again[0], attemptedAt: now, statusCode: 200, error: nil, durationMs: 1,
                                       disposition: .delivered)
        let next = try t.store.claimDueAlerts(now: now.addingTimeInterval(32), limit: 10, claimSeconds: 60)
        #expect(next.map(\.event) == ["openlineage.complete"])
    }

    func lineageOptions(_ config: OpenLineageConfiguration) -> AlertDispatcher.Options {
        var o = testDispatcherOptions()
        o.openLineage = config
        return o
    }
}

/// Lines a dispatcher logged, from any thread.
final class LogLines: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [String] = []
    func append(_ line: String) { lock.withLock { stored.append(line) } }
    var lines: [String] { lock.withLock { stored } }
}
