import Foundation

/// Wakes one waiting loop: `notify()` from any thread; `wait(timeout:)` returns on a notify or when
/// the time is up. A notify with nobody waiting is remembered, so none is lost.
///
/// A wait arms a timer only when no timer armed earlier fires at or before its deadline: a loop that is woken by
/// notifies long before its timeout (an engine taking attempt ends) arms one timer per timeout, not one per wait.
/// A timer that fires for a waiter whose deadline is later arms the next one for it; none resumes a wait early.
public final class AsyncSignal: @unchecked Sendable {
    private let lock = NSLock()
    private var pending = false
    private var waiter: CheckedContinuation<Void, Never>?
    private var waiterDeadline = DispatchTime.distantFuture
    /// The earliest deadline a timer is armed for (nil: none armed).
    private var armed: DispatchTime?

    public init() {}

    public func notify() {
        lock.lock()
        if let w = waiter {
            waiter = nil
            lock.unlock()
            w.resume()
        } else {
            pending = true
            lock.unlock()
        }
    }

    /// Waits for a notify, at most `timeout` seconds.
    public func wait(timeout: Double) async {
        let notified: Bool = lock.withLock {
            defer { pending = false }
            return pending
        }
        guard !notified else { return }
        let deadline = DispatchTime.now() + max(0, timeout)
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            lock.lock()
            if pending {
                pending = false
                lock.unlock()
                c.resume()
                return
            }
            waiter = c
            waiterDeadline = deadline
            let arm = claimTimer(for: deadline)
            lock.unlock()
            if arm { schedule(deadline) }
        }
    }

    /// Must hold the lock. True when a timer must be armed for `deadline` (none armed fires at or before it).
    private func claimTimer(for deadline: DispatchTime) -> Bool {
        if let armed, armed <= deadline { return false }
        armed = deadline
        return true
    }

    private func schedule(_ deadline: DispatchTime) {
        DispatchQueue.global().asyncAfter(deadline: deadline) { [weak self] in self?.fire(deadline) }
    }

    private func fire(_ deadline: DispatchTime) {
        lock.lock()
        if armed == deadline { armed = nil }
        guard let w = waiter else { lock.unlock(); return }
        // A millisecond of slack: a timer that fires a hair early does not arm another for the same moment.
        if DispatchTime.now() + 0.001 >= waiterDeadline {
            waiter = nil
            lock.unlock()
            w.resume()
            return
        }
        let next = waiterDeadline
        let arm = claimTimer(for: next)
        lock.unlock()
        if arm { schedule(next) }
    }
}
