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
        // The loop is "in one long step" for four TTLs: nothing calls loopTurned(). The heartbeat must go on
        // through it (behaviour, not speed: how stale it got on this machine is printed, not asserted).
        let stepStart = Date()
        var worstAge = 0.0
        var beats: Set<Date> = []
        for _ in 0..<20 {
            usleep(100_000)
            let beat = try heartbeatAt(f.store)
            beats.insert(beat)
            worstAge = max(worstAge, Date().timeIntervalSince(beat))
        }
        keeper.stop()
        print(String(format: "FIGURES heartbeat during a 2 s step: oldest heartbeat seen %.2f s (interval 0.1 s, ttl 0.5 s)", worstAge))
        let lastBeat = try heartbeatAt(f.store)
        #expect(beats.count >= 5, "the heartbeat stopped during a long step: \(beats.count) distinct beats in 2 s")
        #expect(lastBeat.timeIntervalSince(stepStart) > 1.0, "no heartbeat after two TTLs of the step")
    }

    @Test func aWedgedLoopStopsBeingVouchedFor() throws {
        let f = try EngineFixture(); defer { f.cleanup() }
        #expect(try f.store.acquireLease(holder: "s1", pid: 1, hostname: "h", now: Date(), ttl: 0.5) { _ in true } == nil)
        let keeper = LeaseKeeper(store: f.store, holder: "s1", interval: 0.05, wedgedAfter: 0.3, onLost: {})
        keeper.start()
        usleep(1_000_000)
        let age = Date().timeIntervalSince(try heartbeatAt(f.store))
        #expect(age >= 0.5, "a loop that has not turned for 1 s still heartbeats (last beat \(age) s ago)")
        let stale = try heartbeatAt(f.store)
        keeper.loopTurned()
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline, try heartbeatAt(f.store) <= stale { usleep(20_000) }
        keeper.stop()
        #expect(try heartbeatAt(f.store) > stale, "heartbeats resume once the loop turns")
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

/// A thread-safe count (also used by InProcessAttemptTests).
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var n = 0
    func add() { lock.withLock { n += 1 } }
    var value: Int { lock.withLock { n } }
}
