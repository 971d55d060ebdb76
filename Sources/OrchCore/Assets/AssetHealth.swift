/// An asset's health: the worst of its freshness, its latest checks and its latest materialization.
public enum AssetHealthStatus: String, Sendable, Codable, CaseIterable, Comparable {
    /// Materialized, fresh, checks passing.
    case ok
    /// A warn-severity check failed on the latest materialization.
    case warning
    /// Older than its freshness policy allows.
    case stale
    /// An error-severity check failed, or the latest attempt of a producing task failed.
    case failing
    /// No producing task has succeeded yet.
    case neverMaterialized = "never_materialized"

    /// Worse is greater: ok < never_materialized < warning < stale < failing.
    var rank: Int {
        switch self {
        case .ok: return 0
        case .neverMaterialized: return 1
        case .warning: return 2
        case .stale: return 3
        case .failing: return 4
        }
    }
    public static func < (a: Self, b: Self) -> Bool { a.rank < b.rank }
}

/// A check result as health sees it: the latest result of each check of the asset.
public struct CheckVerdict: Sendable, Hashable, Codable {
    public enum Severity: String, Sendable, Hashable, Codable, CaseIterable { case warn, error }
    public var name: String
    public var severity: Severity
    public var passed: Bool
    public init(name: String, severity: Severity, passed: Bool) {
        self.name = name
        self.severity = severity
        self.passed = passed
    }
}

/// What health is computed from; times are Unix seconds.
public struct AssetHealthInput: Sendable, Hashable {
    public var lastMaterializedAt: Double?
    /// When a producing task last ended in `failed` (final, after its retries), if ever.
    public var lastProducerFailureAt: Double?
    public var freshness: FreshnessPolicy?
    public var latestChecks: [CheckVerdict]

    public init(lastMaterializedAt: Double? = nil, lastProducerFailureAt: Double? = nil,
                freshness: FreshnessPolicy? = nil, latestChecks: [CheckVerdict] = []) {
        self.lastMaterializedAt = lastMaterializedAt
        self.lastProducerFailureAt = lastProducerFailureAt
        self.freshness = freshness
        self.latestChecks = latestChecks
    }
}

/// The verdict with the reasons behind it, worst first (what the dashboard shows next to the colour).
public struct AssetHealth: Sendable, Hashable, Codable {
    public var status: AssetHealthStatus
    public var reasons: [String]

    /// The health rule. Pure: `now` is a parameter.
    public static func evaluate(_ input: AssetHealthInput, now: Double) -> AssetHealth {
        var found: [(AssetHealthStatus, String)] = []
        if let failed = input.lastProducerFailureAt, failed >= (input.lastMaterializedAt ?? -.infinity) {
            found.append((.failing, "the latest run of a producing task failed"))
        }
        for c in input.latestChecks where !c.passed {
            found.append(c.severity == .error ? (.failing, "check \(c.name) failed (error)")
                                              : (.warning, "check \(c.name) failed (warn)"))
        }
        if let last = input.lastMaterializedAt {
            if let policy = input.freshness, policy.isStale(lastMaterialized: last, now: now) {
                found.append((.stale, "last materialized \(Self.age(now - last)) ago; the policy allows \(Self.age(policy.maxAge))"))
            }
        } else {
            found.append((.neverMaterialized, "never materialized"))
        }
        found.sort { $0.0 > $1.0 }
        return AssetHealth(status: found.first?.0 ?? .ok, reasons: found.map(\.1))
    }

    /// `26 h`, `90 min`, `40 s`.
    static func age(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        if s >= 7200 { return "\(s / 3600) h" }
        if s >= 120 { return "\(s / 60) min" }
        return "\(s) s"
    }
}
