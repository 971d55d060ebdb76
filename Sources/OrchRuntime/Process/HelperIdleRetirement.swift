import Foundation

/// When a bundle helper (fork server or task host) with nothing to do is stopped: `seconds` after the last change to
/// its work (an attempt sent or ended, the helper started), if nothing changed since and it still has nothing to do.
/// Its client calls ``changed()`` under its lock at each change and, when the helper is then idle, arms a check with
/// ``arm(_:)``; the check stops the helper if ``isCurrent(_:)`` still holds for its stamp. The next attempt starts
/// the helper again.
struct HelperIdleRetirement {
    /// nil: never stopped for idleness (``HelperSwitches/idleSeconds``).
    let seconds: Double?
    private var stamp = 0

    init(seconds: Double?) { self.seconds = seconds }

    /// Records a change to the helper's work; returns the stamp of this moment.
    mutating func changed() -> Int {
        stamp += 1
        return stamp
    }

    /// True while nothing has changed since `stamp` was taken.
    func isCurrent(_ stamp: Int) -> Bool { stamp == self.stamp }

    /// Calls `check` with `stamp` after ``seconds`` (never when they are nil), on a global queue.
    func arm(_ stamp: Int, check: @escaping @Sendable (Int) -> Void) {
        guard let seconds else { return }
        DispatchQueue.global().asyncAfter(deadline: .now() + seconds) { check(stamp) }
    }
}
