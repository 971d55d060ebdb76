/// When a DAG scheduled on assets runs (Airflow's asset expressions): `.all` of its parts updated since its last
/// asset-triggered run, or `.any` of them. Parts nest: `.all([.asset(a), .any([.asset(b), .asset(c)])])`.
/// Codable: part of a DAG's described form.
public indirect enum AssetTrigger: Sendable, Hashable, Codable {
    case asset(String)
    case all([AssetTrigger])
    case any([AssetTrigger])

    /// `.all` of these URIs.
    public static func allOf(_ uris: [String]) -> AssetTrigger { .all(uris.map(AssetTrigger.asset)) }
    /// `.any` of these URIs.
    public static func anyOf(_ uris: [String]) -> AssetTrigger { .any(uris.map(AssetTrigger.asset)) }

    /// Every URI named, in order, without repeats.
    public var uris: [String] {
        var seen: Set<String> = []
        func walk(_ t: AssetTrigger) -> [String] {
            switch t {
            case .asset(let u): return seen.insert(u).inserted ? [u] : []
            case .all(let parts), .any(let parts): return parts.flatMap(walk)
            }
        }
        return walk(self)
    }

    /// Whether the expression holds when exactly the assets in `updated` have new materializations.
    /// An empty `.all` holds; an empty `.any` does not.
    public func isSatisfied(updated: Set<String>) -> Bool {
        switch self {
        case .asset(let u): return updated.contains(u)
        case .all(let parts): return parts.allSatisfy { $0.isSatisfied(updated: updated) }
        case .any(let parts): return parts.contains { $0.isSatisfied(updated: updated) }
        }
    }
}

/// The asset-scheduling rule: which assets are updated since the DAG's last asset-triggered run, and whether that
/// makes a run due. A run consumes every event it saw: the next one needs newer materializations.
public enum AssetScheduling {
    /// `latest`: the newest materialization id of each asset; `consumed`: the ids the last triggered run saw.
    public static func updated(latest: [String: Int64], consumed: [String: Int64]) -> Set<String> {
        Set(latest.filter { $0.value > (consumed[$0.key] ?? 0) }.keys)
    }

    public static func isDue(_ trigger: AssetTrigger, latest: [String: Int64], consumed: [String: Int64]) -> Bool {
        let updated = updated(latest: latest, consumed: consumed)
        return !updated.isEmpty && trigger.isSatisfied(updated: updated)
    }
}
