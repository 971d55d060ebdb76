/// A change of an asset's freshness that raises an alert.
public enum FreshnessTransition: Sendable, Hashable {
    /// Its last materialization became older than the policy allows at `since` (Unix seconds).
    case becameStale(since: Double)
    /// A newer materialization made it fresh again.
    case recovered
}

/// The freshness alert rule: one alert when an asset goes stale, none while it stays stale, one when it is fresh
/// again. A stale period is identified by the moment it began (last materialization + the policy's maximum age),
/// so a new materialization that is itself already too old starts a new period. Pure: `now` is a parameter.
public enum FreshnessMonitor {
    /// The recorded state after looking at `now` (`staleSince`, nil when fresh or never materialized) and the
    /// transition to alert, if any.
    public static func step(policy: FreshnessPolicy, lastMaterialized: Double?, staleSince: Double?,
                            now: Double) -> (staleSince: Double?, transition: FreshnessTransition?) {
        guard let last = lastMaterialized, policy.isStale(lastMaterialized: last, now: now) else {
            return (nil, staleSince == nil ? nil : .recovered)
        }
        let since = last + policy.maxAge
        if staleSince == since { return (since, nil) }
        return (since, .becameStale(since: since))
    }
}

extension DAGBag {
    /// The freshness policy of every asset some DAG declares one for; when several do, the strictest.
    public var freshnessPolicies: [String: FreshnessPolicy] {
        var out: [String: FreshnessPolicy] = [:]
        for dag in dags {
            for (uri, policy) in dag.freshness where out[uri].map({ policy.maxAge < $0.maxAge }) ?? true {
                out[uri] = policy
            }
        }
        return out
    }
}
