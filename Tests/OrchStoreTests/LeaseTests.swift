import Foundation
import Testing
@testable import OrchStore

/// One scheduler per database: the lease row with a heartbeat.
@Suite struct LeaseTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func aHeldFreshLeaseIsRefusedAndNamesTheHolder() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let store = try makeStore(dir)
        #expect(try store.acquireLease(holder: "one", pid: 10, hostname: "h", now: t0, ttl: 15) { _ in true } == nil)
        let holder = try store.acquireLease(holder: "two", pid: 20, hostname: "h", now: t0.addingTimeInterval(5),
                                            ttl: 15) { _ in true }
        #expect(holder?.holder == "one")
        #expect(holder?.pid == 10)
        #expect(try store.lease()?.holder == "one")
        // The holder itself may re-acquire.
        #expect(try store.acquireLease(holder: "one", pid: 10, hostname: "h", now: t0, ttl: 15) { _ in true } == nil)
    }

    @Test func anExpiredLeaseIsTakenOverAndTheOldHolderLosesItsHeartbeat() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let store = try makeStore(dir)
        _ = try store.acquireLease(holder: "one", pid: 10, hostname: "h", now: t0, ttl: 15) { _ in true }
        #expect(try store.heartbeat(holder: "one", now: t0.addingTimeInterval(10)))
        // Fresh thanks to the heartbeat at +10.
        #expect(try store.acquireLease(holder: "two", pid: 20, hostname: "h", now: t0.addingTimeInterval(20),
                                       ttl: 15) { _ in true } != nil)
        #expect(try store.acquireLease(holder: "two", pid: 20, hostname: "h", now: t0.addingTimeInterval(26),
                                       ttl: 15) { _ in true } == nil)
        #expect(try !store.heartbeat(holder: "one", now: t0.addingTimeInterval(27)))
        #expect(try store.lease()?.holder == "two")
    }

    @Test func aLeaseOfADeadProcessIsTakenAtOnce() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let store = try makeStore(dir)
        _ = try store.acquireLease(holder: "one", pid: 10, hostname: "h", now: t0, ttl: 15) { _ in true }
        #expect(try store.acquireLease(holder: "two", pid: 20, hostname: "h", now: t0, ttl: 15) { $0.pid != 10 } == nil)
        #expect(try store.lease()?.pid == 20)
    }

    @Test func releaseOnlyByTheHolder() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let store = try makeStore(dir)
        _ = try store.acquireLease(holder: "one", pid: 10, hostname: "h", now: t0, ttl: 15) { _ in true }
        try store.releaseLease(holder: "two")
        #expect(try store.lease() != nil)
        try store.releaseLease(holder: "one")
        #expect(try store.lease() == nil)
    }
}
