import Foundation
import OrchCore
import OrchRuntime
import OrchStore
import Testing

/// The dispatcher against a real receiver on loopback (libmicrohttpd) over a real SQLite outbox.
@Suite("Alert delivery") struct AlertDeliveryTests {
    let secret = "s3cret-for-tests"

    @Test func bodyFieldsAndSignatureAreVerifiedByTheReceiver() async throws {
        let t = try AlertTestStore()
        defer { t.cleanup() }
        let receiver = try AlertReceiver()
        let dag = DAG("sig_dag") { d in d.task("load") { _ in } }
        let run = try t.store.createRun(dagId: dag.id, runId: "manual__2026-11-20T06:00:00Z", runType: .manual,
                                        interval: DataInterval(start: .utc(2026, 11, 20, 6), end: .utc(2026, 11, 20, 6)),
                                        conf: [:], tasks: [("load", 3)], owner: nil, now: Date())
        let log = t.dir.appendingPathComponent("3.log")
        try (1...30).map { "line \($0)" }.joined(separator: "\n").appending("\n").write(to: log, atomically: true, encoding: .utf8)
        let composer = WebhookAlertComposer(targets: [receiver.url], baseURL: "http://orch.test:8080")
        let drafts = composer.drafts(for: AlertEvent(kind: .taskFailed, dag: dag, run: run, taskId: "load", tryNumber: 3,
                                                     state: "failed", error: "exit code 2\nmore", logPath: log.path))
        #expect(drafts.count == 1)
        try t.store.enqueueAlerts(drafts, now: Date())

        let dispatcher = AlertDispatcher(store: t.store, secret: secret, options: testDispatcherOptions(), log: { _ in })
        try await dispatcher.deliverDue()

        let got = try #require(receiver.requests.first)
        #expect(receiver.requests.count == 1)
        #expect(WebhookSignature.verify(body: got.body, secret: secret, signature: got.headers["x-orch-signature"] ?? ""))
        #expect(!WebhookSignature.verify(body: got.body, secret: "wrong", signature: got.headers["x-orch-signature"] ?? ""))
        #expect(got.headers["x-orch-delivery"] == drafts[0].deliveryId)
        #expect(got.headers["x-orch-event"] == "task_failed")
        #expect(got.headers["content-type"] == "application/json")
        #expect(got.body == Array(drafts[0].payload.utf8), "the stored body is sent byte for byte")
        let json = got.json
        #expect(json["event"] as? String == "task_failed")
        #expect(json["delivery_id"] as? String == drafts[0].deliveryId)
        #expect(json["dag_id"] as? String == "sig_dag")
        #expect(json["run_id"] as? String == "manual__2026-11-20T06:00:00Z")
        #expect(json["logical_date"] as? String == "2026-11-20T06:00:00Z")
        #expect(json["task_id"] as? String == "load")
        #expect(json["try_number"] as? Int == 3)
        #expect(json["state"] as? String == "failed")
        #expect(json["error"] as? String == "exit code 2\nmore")
        let tail = (json["log_tail"] as? String ?? "").split(separator: "\n").map(String.init)
        #expect(tail == (11...30).map { "line \($0)" })
        #expect(json["dashboard_url"] as? String == "http://orch.test:8080/#/dags/sig_dag/runs/manual__2026-11-20T06:00:00Z")
        let text = json["text"] as? String ?? ""
        #expect(text.contains("Task failed") && text.contains("load") && text.contains("sig_dag"))
        #expect(text.contains("<http://orch.test:8080/#/dags/sig_dag/runs/manual__2026-11-20T06:00:00Z|Open in orch>"))

        let stored = try #require(try t.store.alert(deliveryId: drafts[0].deliveryId))
        #expect(stored.state == .delivered)
        #expect(stored.lastStatus == 200)
        #expect(stored.target == "http://127.0.0.1:\(receiver.server.port)/…", "listings never show the URL's path")
    }

    @Test func receiverDownThenUpGetsTheAlertExactlyOnce() async throws {
        let t = try AlertTestStore()
        defer { t.cleanup() }
        let port = try unusedLoopbackPort()
        let draft = try t.enqueue(target: "http://127.0.0.1:\(port)/hooks/orch")
        let dispatcher = AlertDispatcher(store: t.store, secret: secret, options: testDispatcherOptions(), log: { _ in })
        dispatcher.start()
        let refused = try await eventually { try t.store.alert(deliveryId: draft.deliveryId)?.attempts ?? 0 >= 2 }
        #expect(refused)
        let receiver = try AlertReceiver(port: port)
        let delivered = try await eventually { try t.store.alert(deliveryId: draft.deliveryId)?.state == .delivered }
        await dispatcher.stop()
        #expect(delivered)
        #expect(receiver.requests.map(\.deliveryId) == [draft.deliveryId])
        let alert = try #require(try t.store.alert(deliveryId: draft.deliveryId))
        let attempts = try t.store.alertDeliveries(alertId: alert.id)
        #expect(attempts.count == alert.attempts)
        #expect(attempts.dropLast().allSatisfy { $0.statusCode == nil && ($0.error ?? "").hasPrefix("connection failed") })
        #expect(attempts.last?.statusCode == 200)
    }

    @Test func serverErrorThenSuccessIsDeliveredOnceAfterTheRetry() async throws {
        let t = try AlertTestStore()
        defer { t.cleanup() }
        let receiver = try AlertReceiver(script: [.init(status: 500)])
        let draft = try t.enqueue(target: receiver.url)
        let dispatcher = AlertDispatcher(store: t.store, secret: secret, options: testDispatcherOptions(), log: { _ in })
        dispatcher.start()
        let delivered = try await eventually { try t.store.alert(deliveryId: draft.deliveryId)?.state == .delivered }
        await dispatcher.stop()
        #expect(delivered)
        let alert = try #require(try t.store.alert(deliveryId: draft.deliveryId))
        let attempts = try t.store.alertDeliveries(alertId: alert.id)
        #expect(attempts.map(\.statusCode) == [500, 200])
        #expect(attempts.first?.error == "HTTP 500")
        #expect(alert.attempts == 2)
        let requests = receiver.requests
        try #require(requests.count == 2)
        #expect(Set(requests.map(\.deliveryId)) == [draft.deliveryId])
        #expect(requests[0].body == requests[1].body, "a retry sends the same bytes")
        #expect(requests[0].headers["x-orch-signature"] == requests[1].headers["x-orch-signature"])
    }

    @Test func aReceiverSlowerThanTheTimeoutIsRecordedAsTimeoutAndRetried() async throws {
        let t = try AlertTestStore()
        defer { t.cleanup() }
        let receiver = try AlertReceiver(script: [.init(status: 200, delay: 3)])
        let draft = try t.enqueue(target: receiver.url)
        let dispatcher = AlertDispatcher(store: t.store, secret: nil, options: testDispatcherOptions(timeout: 0.5),
                                         log: { _ in })
        dispatcher.start()
        let delivered = try await eventually { try t.store.alert(deliveryId: draft.deliveryId)?.state == .delivered }
        await dispatcher.stop()
        #expect(delivered)
        let alert = try #require(try t.store.alert(deliveryId: draft.deliveryId))
        let attempts = try t.store.alertDeliveries(alertId: alert.id)
        #expect(attempts.count == 2)
        #expect(attempts.first?.statusCode == nil)
        #expect((attempts.first?.error ?? "").hasPrefix("timeout"))
        #expect(attempts.last?.statusCode == 200)
        #expect(receiver.requests.allSatisfy { $0.deliveryId == draft.deliveryId && $0.headers["x-orch-signature"] == nil })
    }

    @Test func aRestartedDispatcherOnTheSameFileDeliversThePendingAlert() async throws {
        let t = try AlertTestStore()
        defer { t.cleanup() }
        let port = try unusedLoopbackPort()
        let draft = try t.enqueue(target: "http://127.0.0.1:\(port)/hooks/orch")
        // The first scheduler tries once (receiver down) and stops.
        do {
            let first = AlertDispatcher(store: t.store, secret: secret, options: testDispatcherOptions(), log: { _ in })
            #expect(try await first.deliverDue() == 1)
        }
        #expect(try t.store.alert(deliveryId: draft.deliveryId)?.state == .pending)
        // A new process: a new connection to the same file, a new dispatcher; the receiver is back.
        let receiver = try AlertReceiver(port: port)
        let reopened = try t.reopen()
        let second = AlertDispatcher(store: reopened, secret: secret, options: testDispatcherOptions(), log: { _ in })
        second.start()
        let delivered = try await eventually { try reopened.alert(deliveryId: draft.deliveryId)?.state == .delivered }
        await second.stop()
        #expect(delivered)
        #expect(receiver.requests.map(\.deliveryId) == [draft.deliveryId])
        #expect(try reopened.alert(deliveryId: draft.deliveryId)?.attempts == 2)
    }

    @Test func twoDispatchersOnOneFileSendEachAlertOnce() async throws {
        let t = try AlertTestStore()
        defer { t.cleanup() }
        let receiver = try AlertReceiver()
        let drafts = try (0..<12).map { _ in try t.enqueue(target: receiver.url) }
        let other = try t.reopen()
        let a = AlertDispatcher(store: t.store, secret: secret, options: testDispatcherOptions(), log: { _ in })
        let b = AlertDispatcher(store: other, secret: secret, options: testDispatcherOptions(), log: { _ in })
        a.start()
        b.start()
        let done = try await eventually { try t.store.countAlerts(AlertQuery(states: [.delivered])) == drafts.count }
        await a.stop()
        await b.stop()
        #expect(done)
        #expect(receiver.requests.map(\.deliveryId).sorted() == drafts.map(\.deliveryId).sorted())
    }

    @Test func anAlertPastItsMaxAgeIsMarkedFailed() async throws {
        let t = try AlertTestStore()
        defer { t.cleanup() }
        let port = try unusedLoopbackPort()
        let draft = try t.enqueue(target: "http://127.0.0.1:\(port)/x", now: Date().addingTimeInterval(-7200))
        var options = testDispatcherOptions()
        options.maxAgeSeconds = 3600
        let dispatcher = AlertDispatcher(store: t.store, secret: nil, options: options, log: { _ in })
        try await dispatcher.deliverDue()
        let alert = try #require(try t.store.alert(deliveryId: draft.deliveryId))
        #expect(alert.state == .failed)
        #expect(alert.attempts == 1)
        #expect(try t.store.pendingAlertCount() == 0)
    }

    /// The scheduler wakes the dispatcher only when this process committed alerts: with no idle poll to fall back
    /// on, an alert written after the dispatcher went to sleep is sent once `wakeForNewAlerts()` sees the commit.
    @Test func aCommittedAlertWakesTheDispatcherThroughTheOutboxCount() async throws {
        let t = try AlertTestStore()
        defer { t.cleanup() }
        let receiver = try AlertReceiver()
        var options = testDispatcherOptions()
        options.idlePollSeconds = 3600
        let dispatcher = AlertDispatcher(store: t.store, secret: secret, options: options, log: { _ in })
        dispatcher.wakeForNewAlerts()   // takes in the count as it is now
        dispatcher.start()
        try await Task.sleep(nanoseconds: 200_000_000)   // its first look found an empty outbox; it sleeps an hour
        let before = OutboxWrites.count
        let draft = try t.enqueue(target: receiver.url)
        #expect(OutboxWrites.count > before)
        dispatcher.wakeForNewAlerts()
        let delivered = try await eventually(within: 30) { try t.store.alert(deliveryId: draft.deliveryId)?.state == .delivered }
        await dispatcher.stop()
        #expect(delivered)
    }
}
