/// How old an asset may get: its last successful materialization at most `maxAge` seconds ago (for example 26
/// hours for a daily gold table: a day plus slack for the run). Codable: part of a DAG's described form.
public struct FreshnessPolicy: Sendable, Hashable, Codable {
    public var maxAge: Double

    public init(maxAge: Double) { self.maxAge = maxAge }
    public static func hours(_ h: Double) -> FreshnessPolicy { FreshnessPolicy(maxAge: h * 3600) }

    /// Whether an asset last materialized at `last` is stale at `now` (one never materialized is not "stale": it
    /// is never materialized, a state of its own).
    public func isStale(lastMaterialized last: Double?, now: Double) -> Bool {
        guard let last else { return false }
        return now - last > maxAge
    }
}
