import Foundation
import OrchRuntime
import OrchStore
import Testing

/// The outbox rules on SQLite and PostgreSQL: one row per event and target, claims that keep an alert with one sender.
@Suite("Alert outbox") struct AlertOutboxTests {
    @Test(arguments: StoreBackend.allCases)
    func theSameEventIsQueuedOncePerTarget(_ backend: StoreBackend) throws {
        let t = try AlertTestStore(backend)
        defer { t.cleanup() }
        func draft(_ target: String) -> AlertDraft {
            AlertDraft(deliveryId: UUID().uuidString, event: "task_failed", target: target, dagId: "d", runId: "r",
                       taskId: "t", tryNumber: 2, payload: "{}")
        }
        try t.store.enqueueAlerts([draft("http://a.example/1"), draft("http://b.example/1")], now: Date())
        try t.store.enqueueAlerts([draft("http://a.example/1")], now: Date())
        #expect(try t.store.countAlerts() == 2)
    }

    @Test(arguments: StoreBackend.allCases)
    func aClaimedAlertIsNotClaimedAgainUntilItsClaimEnds(_ backend: StoreBackend) throws {
        let t = try AlertTestStore(backend)
        defer { t.cleanup() }
        let now = Date()
        let draft = try t.enqueue(target: "http://a.example/hook", now: now)
        let other = try t.reopen()
        let first = try t.store.claimDueAlerts(now: now, limit: 10, claimSeconds: 60)
        #expect(first.map(\.deliveryId) == [draft.deliveryId])
        #expect(try other.claimDueAlerts(now: now.addingTimeInterval(59), limit: 10, claimSeconds: 60).isEmpty)
        // The first sender died: after the claim ends another one takes over, and the stale claim records
        // its attempt without moving the alert.
        let second = try other.claimDueAlerts(now: now.addingTimeInterval(61), limit: 10, claimSeconds: 60)
        #expect(second.map(\.deliveryId) == [draft.deliveryId])
        let stale = try t.store.recordAlertAttempt(first[0], attemptedAt: now, statusCode: 200, error: nil,
                                                   durationMs: 1, disposition: .delivered)
        #expect(!stale)
        #expect(try other.alert(deliveryId: draft.deliveryId)?.state == .pending)
        let kept = try other.recordAlertAttempt(second[0], attemptedAt: now.addingTimeInterval(61), statusCode: 200,
                                                error: nil, durationMs: 1, disposition: .delivered)
        #expect(kept)
        let alert = try #require(try other.alert(deliveryId: draft.deliveryId))
        #expect(alert.state == .delivered && alert.attempts == 1)
        #expect(try other.alertDeliveries(alertId: alert.id).count == 2, "every attempt is kept")
    }

    @Test func listingPagesNewestFirstAndFilters() throws {
        let t = try AlertTestStore()
        defer { t.cleanup() }
        let base = Date()
        let drafts = try (0..<5).map { try t.enqueue(target: "http://a.example/secret-path", now: base.addingTimeInterval(Double($0))) }
        let page1 = try t.store.alerts(AlertQuery(limit: 2))
        let page2 = try t.store.alerts(AlertQuery(limit: 2, offset: 2))
        #expect(page1.map(\.deliveryId) == [drafts[4].deliveryId, drafts[3].deliveryId])
        #expect(page2.map(\.deliveryId) == [drafts[2].deliveryId, drafts[1].deliveryId])
        #expect(try t.store.countAlerts(AlertQuery(states: [.pending])) == 5)
        #expect(try t.store.countAlerts(AlertQuery(dagId: "other")) == 0)
        #expect(page1.allSatisfy { $0.target == "http://a.example/…" })
    }
}
