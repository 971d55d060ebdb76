import Foundation

/// What a scheduler turn reads before deciding which looks to take, in one query: the count of DAG row changes
/// (see ``DueRunGate``) and the id of the newest materialization recorded (nil when the count could not be read).
public struct SchedulerMarks: Sendable, Equatable {
    public var dagChanges: Int
    public var latestMaterialization: Int64?

    public init(dagChanges: Int, latestMaterialization: Int64?) {
        self.dagChanges = dagChanges
        self.latestMaterialization = latestMaterialization
    }
}

/// When a scheduler turn needs to look for asset-triggered runs (issue 14). A look reads, for every DAG scheduled on
/// assets, the newest materialization of each asset it consumes and its last asset-triggered run: a few queries per
/// DAG, at every turn — and a turn happens at every task end. Whether a DAG falls due can only change when a
/// materialization is recorded (the newest id moves) or a DAG row changes (a pause flipped); a run deleted or
/// cleared by hand is caught by the look taken at least every `longestGap` seconds, and a turn whose marks could not
/// be read looks.
public struct AssetRunGate: Sendable {
    public let longestGap: TimeInterval
    private var seen: SchedulerMarks?
    private var nextLook: Date = .distantPast

    public init(longestGap: TimeInterval = 5) { self.longestGap = longestGap }

    /// Whether this turn must look.
    public func mustLook(now: Date, marks: SchedulerMarks?) -> Bool {
        guard let marks, let seen else { return true }
        return now >= nextLook || marks != seen
    }

    /// Records a look that completed at `now`, with the marks read before it.
    public mutating func looked(now: Date, marks: SchedulerMarks?) {
        seen = marks
        nextLook = now.addingTimeInterval(longestGap)
    }

    /// The bundles were reloaded (other DAGs on other assets): the next turn looks.
    public mutating func forget() {
        seen = nil
        nextLook = .distantPast
    }
}
