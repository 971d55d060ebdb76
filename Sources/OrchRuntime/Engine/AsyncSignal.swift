import Foundation

/// Wakes one waiting loop: `notify()` from any thread; `wait(timeout:)` returns on a notify or when
/// the time is up. A notify with nobody waiting is remembered, so none is lost.
public final class AsyncSignal: @unchecked Sendable {
    private let lock = NSLock()
    private var pending = false
    private var waiter: CheckedContinuation<Void, Never>?
    private var generation = 0

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
        let gen: Int? = lock.withLock {
            if pending { pending = false; return nil }
            generation += 1
            return generation
        }
        guard let gen else { return }
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            lock.lock()
            if pending {
                pending = false
                lock.unlock()
                c.resume()
                return
            }
            waiter = c
            lock.unlock()
            DispatchQueue.global().asyncAfter(deadline: .now() + max(0, timeout)) { [weak self] in
                self?.expire(gen)
            }
        }
    }

    private func expire(_ gen: Int) {
        lock.lock()
        guard generation == gen, let w = waiter else { lock.unlock(); return }
        waiter = nil
        lock.unlock()
        w.resume()
    }
}
