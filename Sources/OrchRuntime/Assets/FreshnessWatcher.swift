import Foundation
import OrchCore
import OrchStore

/// Watches the freshness of every asset a DAG declares a policy for, and raises alerts through the outbox:
/// `asset_stale` once per stale period and `asset_fresh` when it recovers (the rule is ``FreshnessMonitor``).
/// Assets that go stale together because one attempt materialized them (gold's tables) share one alert, named by
/// that attempt's DAG, run and task, with every asset listed. The scheduler calls ``check(now:)`` periodically.
public struct FreshnessWatcher: Sendable {
    let bag: DAGBag
    let store: SQLiteStateStore
    let alerts: AlertComposer

    public init(bag: DAGBag, store: SQLiteStateStore, alerts: AlertComposer) {
        self.bag = bag
        self.store = store
        self.alerts = alerts
    }

    /// Applies the rule to every asset with a policy at `now`; returns the assets whose state changed.
    @discardableResult
    public func check(now: Date) throws -> [(uri: String, transition: FreshnessTransition)] {
        let policies = bag.freshnessPolicies
        guard !policies.isEmpty else { return [] }
        let recorded = try store.freshnessStates()
        var changes: [(assetId: Int64, staleSince: Double?)] = []
        var transitions: [(uri: String, transition: FreshnessTransition)] = []
        var groups: [GroupKey: [String]] = [:]
        for asset in try store.assets() {
            guard let policy = policies[asset.uri] else { continue }
            let old = recorded[asset.id]
            let (next, transition) = FreshnessMonitor.step(policy: policy, lastMaterialized: asset.latest?.createdAt.timeIntervalSince1970,
                                                           staleSince: old, now: now.timeIntervalSince1970)
            if next != old { changes.append((asset.id, next)) }
            guard let transition, let m = asset.latest else { continue }
            transitions.append((asset.uri, transition))
            let event: String
            switch transition {
            case .becameStale: event = "asset_stale"
            case .recovered: event = "asset_fresh"
            }
            groups[GroupKey(event: event, dagId: m.dagId, runId: m.runId, taskId: m.taskId,
                            detail: Self.detail(transition, policy: policy, last: m.createdAt, now: now)), default: []].append(asset.uri)
        }
        let drafts = groups.sorted { ($0.key.event, $0.key.runId) < ($1.key.event, $1.key.runId) }.flatMap { key, uris in
            AssetAlerts.drafts(alerts, event: key.event, dagId: key.dagId, runId: key.runId, taskId: key.taskId,
                               assets: uris.sorted(), detail: key.detail, now: now)
        }
        if !changes.isEmpty { try store.recordFreshness(changes, alerts: drafts, now: now) }
        return transitions
    }

    struct GroupKey: Hashable {
        let event, dagId, runId, taskId, detail: String
    }

    static func detail(_ t: FreshnessTransition, policy: FreshnessPolicy, last: Date, now: Date) -> String {
        switch t {
        case .becameStale:
            return "last materialized \(UTCFormat.iso(last)); the freshness policy allows \(Int(policy.maxAge / 3600)) h"
        case .recovered:
            return "materialized again at \(UTCFormat.iso(last))"
        }
    }
}
