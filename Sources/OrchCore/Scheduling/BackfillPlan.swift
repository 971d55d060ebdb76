import Foundation

/// What `orch backfill` will do for a range of logical dates, decided without I/O: the intervals to create, the
/// range clamped to the DAG's start date (with a warning saying so), and a refusal when the range is empty or holds
/// more runs than ``confirmationLimit`` without confirmation (`--yes`).
public struct BackfillPlan: Sendable {
    /// Above this many runs a backfill must be confirmed.
    public static let confirmationLimit = 1_000

    public let from: Date
    public let to: Date
    public let intervals: [DataInterval]
    public let warnings: [String]

    public static func make(timetable: Timetable, from: Date, to: Date, confirmed: Bool,
                            limit: Int = confirmationLimit) throws(BackfillRefusal) -> BackfillPlan {
        guard from <= to else { throw BackfillRefusal("--from must not be after --to") }
        var warnings: [String] = []
        var start = from
        if let first = timetable.startDate, from < first {
            guard to >= first else {
                throw BackfillRefusal("nothing to backfill: the whole range (\(UTCFormat.iso(from)) to \(UTCFormat.iso(to))) "
                    + "is before the DAG's start date \(UTCFormat.iso(first))")
            }
            warnings.append("--from \(UTCFormat.iso(from)) is before the DAG's start date \(UTCFormat.iso(first)); "
                + "backfilling from \(UTCFormat.iso(first))")
            start = first
        }
        let intervals = timetable.intervals(logicalFrom: start, to: to)
        if intervals.count > limit && !confirmed {
            throw BackfillRefusal(warnings.map { $0 + "; " }.joined() + "this backfill would create \(intervals.count) runs (from \(UTCFormat.iso(start)) to "
                + "\(UTCFormat.iso(to))), more than \(limit); narrow --from/--to, or add --yes to create them all")
        }
        return BackfillPlan(from: start, to: to, intervals: intervals, warnings: warnings)
    }
}

/// Why a backfill is refused; the message says what to change.
public struct BackfillRefusal: Error, CustomStringConvertible, Sendable, Equatable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
