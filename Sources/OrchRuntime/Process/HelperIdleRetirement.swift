#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// When a bundle helper (fork server or task host) with nothing to do is stopped: `seconds` after the last change to
/// its work (an attempt sent or ended, the helper started), if nothing changed since and it still has nothing to do.
/// Its client calls ``changed(idle:check:)`` under its lock at each change, saying whether the helper is idle after
/// it; the check armed then calls ``retire(_:ifIdleSince:)`` under the lock, which stops the helper only if no
/// change came in between. The next attempt starts the helper again.
struct HelperIdleRetirement {
    /// nil: never stopped for idleness (``HelperSwitches/idleSeconds``).
    let seconds: Double?
    private var stamp = 0

    init(seconds: Double?) { self.seconds = seconds }

    /// Records a change to the helper's work; when the helper is `idle` after it, calls `check` with this change's
    /// stamp ``seconds`` later, on a global queue (never when they are nil).
    mutating func changed(idle: Bool, check: @escaping @Sendable (_ stamp: Int) -> Void) {
        stamp += 1
        guard idle, let seconds else { return }
        let armed = stamp
        DispatchQueue.global().asyncAfter(deadline: .now() + seconds) { check(armed) }
    }

    /// True while nothing has changed since the change of `stamp`.
    func isCurrent(_ stamp: Int) -> Bool { stamp == self.stamp }

    /// Closes `requestFD`, the helper's request pipe (the helper leaves), if nothing changed since `stamp`, the
    /// change after which it was idle. Under the client's lock.
    func retire(_ requestFD: inout Int32, ifIdleSince stamp: Int) {
        guard isCurrent(stamp), requestFD >= 0 else { return }
        close(requestFD)
        requestFD = -1
    }
}
