import Foundation

/// When a scheduler turn needs to look for due scheduled runs. Looking reads every DAG row and works out each
/// scheduled DAG's next interval, and a turn happens at every task end: in a chain of no-op tasks that look was a
/// large part of each hop. Nothing can fall due before the earliest next-due time the last look found, unless the
/// state changed under the scheduler (a DAG paused or unpaused, a DAG synced by another process): the store's data
/// version (SQLite's `PRAGMA data_version`: commits of other connections) says so. A look is also taken at least
/// every `longestGap` seconds, whatever the version says, and whenever the version cannot be read (nil).
public struct DueRunGate: Sendable {
    public let longestGap: TimeInterval
    private var nextLook: Date = .distantPast
    private var seenVersion: Int?
    /// When the next scheduled run falls due, as the last look found (nil: none, or no look yet).
    public private(set) var nextDue: Date?

    public init(longestGap: TimeInterval = 5) { self.longestGap = longestGap }

    /// Whether this turn must look for due runs.
    public func mustLook(now: Date, dataVersion: Int?) -> Bool {
        guard let dataVersion, let seenVersion else { return true }
        return now >= nextLook || dataVersion != seenVersion
    }

    /// Records a look taken at `now` that found `nextDue` (nil: nothing scheduled), with the version read before it.
    public mutating func looked(now: Date, nextDue: Date?, dataVersion: Int?) {
        seenVersion = dataVersion
        self.nextDue = nextDue
        nextLook = min(nextDue ?? .distantFuture, now.addingTimeInterval(longestGap))
    }

    /// The bundles were reloaded (other DAGs, other schedules): the next turn looks.
    public mutating func forget() {
        nextLook = .distantPast
        seenVersion = nil
        nextDue = nil
    }
}
