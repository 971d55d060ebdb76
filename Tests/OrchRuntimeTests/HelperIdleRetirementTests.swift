import Foundation
@testable import OrchRuntime
import Testing

/// The stamps that decide whether an armed idle check may stop a helper: only when nothing changed since it was armed.
struct HelperIdleRetirementTests {
    @Test func aCheckIsCurrentUntilTheNextChange() {
        var idle = HelperIdleRetirement(seconds: 1)
        let armed = idle.changed()
        #expect(idle.isCurrent(armed))
        let next = idle.changed()   // an attempt sent, or one ended
        #expect(!idle.isCurrent(armed))
        #expect(idle.isCurrent(next))
    }

    @Test func anArmedCheckRunsAfterItsSecondsWithItsStamp() async {
        var idle = HelperIdleRetirement(seconds: 0.05)
        let stamp = idle.changed()
        let fired = await withCheckedContinuation { (done: CheckedContinuation<Int, Never>) in
            idle.arm(stamp) { done.resume(returning: $0) }
        }
        #expect(fired == stamp)
    }

    @Test func noCheckIsArmedWithoutSeconds() async throws {
        var idle = HelperIdleRetirement(seconds: nil)
        let fired = Fired()
        idle.arm(idle.changed()) { _ in fired.set() }
        try await Task.sleep(nanoseconds: 200_000_000)
        #expect(!fired.value)
    }
}

private final class Fired: @unchecked Sendable {
    private let lock = NSLock()
    private var fired = false
    func set() { lock.withLock { fired = true } }
    var value: Bool { lock.withLock { fired } }
}
