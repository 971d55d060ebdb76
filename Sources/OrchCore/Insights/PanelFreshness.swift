import Foundation

/// How fresh the data behind a panel is: for each asset it reads, when it was last written.
///
/// The evidence, best first: the asset's last successful materialization (recorded by the assets work, when a
/// store has it), else the end of the last successful attempt of the task that produces it (``AssetRead``),
/// which the page labels as such. Pure: the evidence and `now` are parameters.
public struct PanelFreshness: Sendable, Codable, Equatable {
    public enum Basis: String, Sendable, Codable {
        /// The asset's own last successful materialization.
        case materialization
        /// The last successful run of the producing task (no materialization recorded).
        case producingTask = "producing_task"
        /// Nothing says it was ever written.
        case unknown
    }

    public struct Entry: Sendable, Codable, Equatable {
        public let asset: String
        public let basis: Basis
        /// ISO 8601 UTC, nil when unknown.
        public let updatedAt: String?
        public let ageSeconds: Int?
        /// `dag.task` that produced it.
        public let producer: String

        enum CodingKeys: String, CodingKey {
            case asset, basis, producer
            case updatedAt = "updated_at"
            case ageSeconds = "age_seconds"
        }
    }

    public let assets: [Entry]
    /// The oldest update among the assets (the panel is as fresh as its stalest input); nil if any is unknown.
    public let oldest: String?

    /// `materialized` and `taskSucceeded` give the evidence per asset read.
    public static func of(_ reads: [AssetRead], now: Date, materialized: (AssetRead) -> Date?,
                          taskSucceeded: (AssetRead) -> Date?) -> PanelFreshness {
        var entries: [Entry] = []
        var oldest: Date?
        var unknown = false
        for read in reads {
            let producer = "\(read.dagId).\(read.taskId)"
            let basis: Basis
            let at: Date?
            if let m = materialized(read) { basis = .materialization; at = m }
            else if let t = taskSucceeded(read) { basis = .producingTask; at = t }
            else { basis = .unknown; at = nil }
            if let at { oldest = min(oldest ?? at, at) } else { unknown = true }
            entries.append(Entry(asset: read.asset, basis: basis, updatedAt: at.map(UTCFormat.iso),
                                 ageSeconds: at.map { max(0, Int(now.timeIntervalSince($0))) }, producer: producer))
        }
        return PanelFreshness(assets: entries, oldest: unknown ? nil : oldest.map(UTCFormat.iso))
    }
}
