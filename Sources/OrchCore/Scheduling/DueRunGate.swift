import Foundation

/// When a scheduler turn needs to look for due scheduled runs. Looking reads every DAG row and works out each
/// scheduled DAG's next interval, and a turn happens at every task end: in a chain of no-op tasks that look was a
/// large part of each hop. Nothing can fall due before the earliest next-due time the last look found, unless a DAG
/// row changed under the scheduler (a DAG paused or unpaused, synced by another process): the store's count of DAG
/// row changes says so (a count kept by triggers, not SQLite's `PRAGMA data_version`, which the scheduler's own lease
/// heartbeat moves every second). A look is also taken at least every `longestGap` seconds, whatever the count says,
/// and whenever the count cannot be read (nil). The look's own writes (schedule positions) move the count too: the
/// turn after a look that wrote looks once more, and finds nothing to write.
public struct DueRunGate: Sendable {
    public let longestGap: TimeInterval
    private var nextLook: Date = .distantPast
    private var seenChanges: Int?
    /// When the next scheduled run falls due, as the last look found (nil: none, or no look yet).
    public private(set) var nextDue: Date?

    public init(longestGap: TimeInterval = 5) { self.longestGap = longestGap }

    /// Whether this turn must look for due runs.
    public func mustLook(now: Date, dagChanges: Int?) -> Bool {
        guard let dagChanges, let seenChanges else { return true }
        return now >= nextLook || dagChanges != seenChanges
    }

    /// Records a look taken at `now` that found `nextDue` (nil: nothing scheduled), with the count read before it.
    public mutating func looked(now: Date, nextDue: Date?, dagChanges: Int?) {
        seenChanges = dagChanges
        self.nextDue = nextDue
        nextLook = min(nextDue ?? .distantFuture, now.addingTimeInterval(longestGap))
    }

    /// The bundles were reloaded (other DAGs, other schedules): the next turn looks.
    public mutating func forget() {
        nextLook = .distantPast
        seenChanges = nil
        nextDue = nil
    }
}
