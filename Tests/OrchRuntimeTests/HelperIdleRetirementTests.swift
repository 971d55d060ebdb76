#if canImport(Glibc)
import Glibc
#endif
import Foundation
@testable import OrchRuntime
import Testing

/// The stamps that decide whether an armed idle check may stop a helper: only when nothing changed since it was
/// armed, and only a helper that was idle then. A pipe stands for the helper's request pipe.
struct HelperIdleRetirementTests {
    @Test func anArmedCheckClosesThePipeOnlyIfNothingChangedSince() async throws {
        var idle = HelperIdleRetirement(seconds: 0.05)
        let stamp = await withCheckedContinuation { (done: CheckedContinuation<Int, Never>) in
            idle.changed(idle: true) { done.resume(returning: $0) }
        }
        var stale = try pipeWriteEnd()
        var current = try pipeWriteEnd()
        idle.changed(idle: false) { _ in }   // an attempt sent before the check ran
        idle.retire(&stale, ifIdleSince: stamp)
        #expect(stale >= 0, "a check armed before a later change stopped the helper")
        close(stale)

        let armed = await withCheckedContinuation { (done: CheckedContinuation<Int, Never>) in
            idle.changed(idle: true) { done.resume(returning: $0) }
        }
        idle.retire(&current, ifIdleSince: armed)
        #expect(current == -1)
        #expect(idle.isCurrent(armed))
    }

    @Test func noCheckIsArmedForABusyHelperOrWithoutSeconds() async throws {
        let fired = Fired()
        var busy = HelperIdleRetirement(seconds: 0.01)
        busy.changed(idle: false) { _ in fired.set() }
        var never = HelperIdleRetirement(seconds: nil)
        never.changed(idle: true) { _ in fired.set() }
        try await Task.sleep(nanoseconds: 200_000_000)
        #expect(!fired.value)
    }

    private func pipeWriteEnd() throws -> Int32 {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw CocoaError(.fileWriteUnknown) }
        close(fds[0])
        return fds[1]
    }
}

private final class Fired: @unchecked Sendable {
    private let lock = NSLock()
    private var fired = false
    func set() { lock.withLock { fired = true } }
    var value: Bool { lock.withLock { fired } }
}
