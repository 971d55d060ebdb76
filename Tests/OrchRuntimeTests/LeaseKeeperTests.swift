import Foundation
@testable import OrchRuntime
import OrchStore
import Testing

/// The scheduler's heartbeat runs on a thread of its own: a scheduler turn that takes longer than the lease's TTL
/// does not let the lease go stale; a loop that stops turning altogether (wedged) does; a lease taken over by
/// another scheduler is reported once. Real SQLite, short intervals (tenths of a second).
@Suite(.serialized) struct LeaseKeeperTests {
    private func heartbeatAt(_ store: SQLiteStateStore) throws -> Date { try #require(try store.lease()).heartbeatAt }

    @Test func theLeaseStaysFreshWhileTheLoopIsBusyLongerThanItsTTL() throws {
        let f = try EngineFixture(); defer { f.cleanup() }
        #expect(try f.store.acquireLease(holder: "s1", pid: 1, hostname: "h", now: Date(), ttl: 0.5) { _ in true } == nil)
        let keeper = LeaseKeeper(store: f.store, holder: "s1", interval: 0.1, wedgedAfter: 30, onLost: {})
        keeper.start()
        // The loop is "in one long step" for four TTLs: nothing calls loopTurned().
        var worstAge = 0.0
        for _ in 0..<20 {
            usleep(100_000)
            worstAge = max(worstAge, Date().timeIntervalSince(try heartbeatAt(f.store)))
        }
        keeper.stop()
        print(String(format: "FIGURES heartbeat during a 2 s step: oldest heartbeat seen %.2f s (interval 0.1 s, ttl 0.5 s)", worstAge))
        #expect(worstAge < 0.5, "the lease went stale during a long step: \(worstAge) s")
    }

    @Test func aWedgedLoopStopsBeingVouchedFor() throws {
        let f = try EngineFixture(); defer { f.cleanup() }
        #expect(try f.store.acquireLease(holder: "s1", pid: 1, hostname: "h", now: Date(), ttl: 0.5) { _ in true } == nil)
        let keeper = LeaseKeeper(store: f.store, holder: "s1", interval: 0.05, wedgedAfter: 0.3, onLost: {})
        keeper.start()
        usleep(1_000_000)
        let age = Date().timeIntervalSince(try heartbeatAt(f.store))
        #expect(age >= 0.5, "a loop that has not turned for 1 s still heartbeats (last beat \(age) s ago)")
        keeper.loopTurned()
        usleep(300_000)
        keeper.stop()
        #expect(Date().timeIntervalSince(try heartbeatAt(f.store)) < 0.3, "heartbeats resume once the loop turns")
    }

    @Test func aLeaseTakenOverIsReportedOnceAndTheHeartbeatEnds() throws {
        let f = try EngineFixture(); defer { f.cleanup() }
        #expect(try f.store.acquireLease(holder: "s1", pid: 1, hostname: "h", now: Date(), ttl: 0.5) { _ in true } == nil)
        let lost = Counter()
        let keeper = LeaseKeeper(store: f.store, holder: "s1", interval: 0.05, wedgedAfter: 30, onLost: { lost.add() })
        keeper.start()
        #expect(try f.store.acquireLease(holder: "s2", pid: 2, hostname: "h", now: Date(), ttl: 0.5) { _ in false } == nil)
        usleep(400_000)
        keeper.stop()
        #expect(lost.value == 1)
        #expect(try f.store.lease()?.holder == "s2")
    }
}

private final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var n = 0
    func add() { lock.withLock { n += 1 } }
    var value: Int { lock.withLock { n } }
}
