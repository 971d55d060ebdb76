import Foundation
import Testing
@testable import OrchRuntime

@Suite struct AsyncSignalTests {
    private func seconds(_ body: () async -> Void) async -> Double {
        let start = Date()
        await body()
        return Date().timeIntervalSince(start)
    }

    /// A wait of `timeout` seconds that another task notifies after `nanoseconds`; returns once both are done.
    private func notifiedWait(_ signal: AsyncSignal, after nanoseconds: UInt64, timeout: Double) async {
        let notifier = Task { try? await Task.sleep(nanoseconds: nanoseconds); signal.notify() }
        await signal.wait(timeout: timeout)
        await notifier.value
    }

    @Test func aNotifyBeforeTheWaitIsNotLost() async {
        let signal = AsyncSignal()
        signal.notify()
        let took = await seconds { await signal.wait(timeout: 30) }
        #expect(took < 10)
    }

    @Test func aWaitEndsAtItsTimeoutAndNotBefore() async {
        let signal = AsyncSignal()
        let took = await seconds { await signal.wait(timeout: 0.2) }
        #expect(took >= 0.19)
        #expect(took < 10)
    }

    /// The first wait arms a long timer; the next, shorter wait must not sleep until it.
    @Test func aShorterWaitAfterALongOneArmsItsOwnTimer() async {
        let signal = AsyncSignal()
        await notifiedWait(signal, after: 50_000_000, timeout: 60)
        let took = await seconds { await signal.wait(timeout: 0.2) }
        #expect(took >= 0.19)
        #expect(took < 10)
    }

    /// The first wait arms a short timer and is notified first; when that timer fires, the next, longer wait is not
    /// resumed early by it.
    @Test func aStaleTimerDoesNotEndALaterLongerWait() async {
        let signal = AsyncSignal()
        await notifiedWait(signal, after: 20_000_000, timeout: 0.1)   // notified at ~20 ms; its timer fires at ~100 ms
        await signal.wait(timeout: 0)   // on a busy machine the notify may come after the timeout: not kept for below
        let took = await seconds { await signal.wait(timeout: 0.4) }
        #expect(took >= 0.39)
        #expect(took < 10)
    }

    /// Many waits woken by notifies, each with a long timeout, then one left to time out: it still does.
    @Test func manyNotifiedWaitsLeaveTheTimeoutWorking() async {
        let signal = AsyncSignal()
        for _ in 0..<200 { await notifiedWait(signal, after: 0, timeout: 0.3) }
        await signal.wait(timeout: 0)   // a notify that came after its wait's timeout is not kept for the one below
        let took = await seconds { await signal.wait(timeout: 0.3) }
        #expect(took >= 0.29)
        #expect(took < 10)
    }
}
