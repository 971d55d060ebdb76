import Foundation

/// A DAG's run deadline: a run should finish within `minutes` after its data interval ends. A run created after
/// its deadline had already passed (a manual or backfill run of a date long gone) could never meet it, so it
/// raises no alert; nor does one that is still within its deadline.
public struct RunDeadline: Sendable, Equatable {
    public let minutes: Double

    public init(minutes: Double) { self.minutes = minutes }

    /// When a run of `intervalEnd` is due.
    public func due(intervalEnd: Date) -> Date { intervalEnd.addingTimeInterval(minutes * 60) }

    /// Whether a run of `intervalEnd`, queued at `queuedAt` and unfinished at `now`, has missed its deadline.
    public func isMissed(intervalEnd: Date, queuedAt: Date, now: Date) -> Bool {
        let due = due(intervalEnd: intervalEnd)
        return queuedAt <= due && now > due
    }
}
