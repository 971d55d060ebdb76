#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// When a bundle helper (fork server or task host) with nothing to do is stopped: `seconds` after the last change to
/// its work (an attempt sent or ended, the helper started), if nothing changed since and it still has nothing to do.
/// Its client calls ``changed(idle:check:)`` under its lock at each change, saying whether the helper is idle after
/// it; the armed check then calls ``retire(_:ifIdleSince:)`` under the lock, which stops the helper only if no
/// change came in between. The next attempt starts the helper again.
///
/// At most one check is armed per helper: a chain of tasks makes the helper idle between every two of them, and a
/// timer per hop would pile up thousands of pending ones. A check that finds a later change re-arms itself for
/// `seconds` after that change if the helper was idle after it.
struct HelperIdleRetirement {
    /// nil: never stopped for idleness (``HelperSwitches/idleSeconds``).
    let seconds: Double?
    private var stamp = 0
    /// When the helper's work last changed, and whether it had none after that change.
    private var lastChange = DispatchTime.now()
    private var idleAfterLastChange = false
    /// The check armed now, if any.
    private var armed: (@Sendable (Int) -> Void)?

    init(seconds: Double?) { self.seconds = seconds }

    /// Records a change to the helper's work; when the helper is `idle` after it and no check is armed, calls
    /// `check` with this change's stamp ``seconds`` later, on a global queue (never when they are nil).
    mutating func changed(idle: Bool, check: @escaping @Sendable (_ stamp: Int) -> Void) {
        stamp += 1
        lastChange = .now()
        idleAfterLastChange = idle
        if idle && armed == nil { arm(check) }
    }

    /// True while nothing has changed since the change of `stamp`.
    func isCurrent(_ stamp: Int) -> Bool { stamp == self.stamp }

    /// What the armed check does, under the client's lock: closes `requestFD`, the helper's request pipe (the
    /// helper leaves), if nothing changed since `stamp`; else arms itself again when the helper was idle after the
    /// latest change.
    mutating func retire(_ requestFD: inout Int32, ifIdleSince stamp: Int) {
        guard let check = armed else { return }
        armed = nil
        if isCurrent(stamp) {
            guard requestFD >= 0 else { return }
            close(requestFD)
            requestFD = -1
        } else if idleAfterLastChange {
            arm(check)
        }
    }

    private mutating func arm(_ check: @escaping @Sendable (Int) -> Void) {
        guard let seconds else { return }
        armed = check
        let stamp = self.stamp
        DispatchQueue.global().asyncAfter(deadline: lastChange + seconds) { check(stamp) }
    }
}
