import Foundation
@testable import OrchCore
import Testing

/// The health rule: the worst of freshness, the latest checks and the latest materialization (issue 14).
@Suite struct AssetHealthTests {
    static let now = 1_000_000.0
    static let day = FreshnessPolicy.hours(26)

    @Test(arguments: [
        ("never materialized", AssetHealthInput(), AssetHealthStatus.neverMaterialized),
        ("fresh, no policy", AssetHealthInput(lastMaterializedAt: now - 1e6), .ok),
        ("fresh under its policy", AssetHealthInput(lastMaterializedAt: now - 3600, freshness: day), .ok),
        ("exactly at the limit is fresh", AssetHealthInput(lastMaterializedAt: now - 93_600, freshness: day), .ok),
        ("one second past is stale", AssetHealthInput(lastMaterializedAt: now - 93_601, freshness: day), .stale),
        ("warn check failed", AssetHealthInput(lastMaterializedAt: now, latestChecks: [.init(name: "c", severity: .warn, passed: false)]), .warning),
        ("passing checks", AssetHealthInput(lastMaterializedAt: now, latestChecks: [.init(name: "c", severity: .error, passed: true)]), .ok),
        ("error check failed beats stale", AssetHealthInput(lastMaterializedAt: now - 1e6, freshness: day,
                                                           latestChecks: [.init(name: "c", severity: .error, passed: false)]), .failing),
        ("stale beats warning", AssetHealthInput(lastMaterializedAt: now - 1e6, freshness: day,
                                                latestChecks: [.init(name: "c", severity: .warn, passed: false)]), .stale),
        ("producer failed after the last materialization", AssetHealthInput(lastMaterializedAt: now - 10, lastProducerFailureAt: now - 5), .failing),
        ("producer failed before it, then succeeded", AssetHealthInput(lastMaterializedAt: now - 5, lastProducerFailureAt: now - 10), .ok),
        ("producer failed, never materialized", AssetHealthInput(lastProducerFailureAt: now), .failing),
    ] as [(String, AssetHealthInput, AssetHealthStatus)])
    func worstSignalWins(name: String, input: AssetHealthInput, expected: AssetHealthStatus) {
        #expect(AssetHealth.evaluate(input, now: Self.now).status == expected, "\(name)")
    }

    @Test func reasonsNameTheCheckAndTheAgeWorstFirst() {
        let h = AssetHealth.evaluate(AssetHealthInput(lastMaterializedAt: Self.now - 30 * 3600, freshness: Self.day,
                                                      latestChecks: [.init(name: "orders_not_null", severity: .warn, passed: false)]),
                                     now: Self.now)
        #expect(h.reasons == ["last materialized 30 h ago; the policy allows 26 h", "check orders_not_null failed (warn)"])
    }
}
