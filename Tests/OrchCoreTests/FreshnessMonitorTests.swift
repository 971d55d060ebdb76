import Foundation
@testable import OrchCore
import Testing

/// The freshness alert rule with a manual clock (issue 14): stale once per period, then recovered.
@Suite struct FreshnessMonitorTests {
    let policy = FreshnessPolicy.hours(26)
    let t0 = 1_000_000.0

    @Test func goesStaleOnceStaysQuietThenRecovers() {
        var since: Double? = nil
        var alerts: [FreshnessTransition] = []
        // Materialized at t0; looked at every hour for three days; materialized again at t0 + 50 h.
        for hour in 0...72 {
            let last = hour < 50 ? t0 : t0 + 50 * 3600
            let (next, transition) = FreshnessMonitor.step(policy: policy, lastMaterialized: last, staleSince: since,
                                                           now: t0 + Double(hour) * 3600)
            since = next
            if let transition { alerts.append(transition) }
        }
        #expect(alerts == [.becameStale(since: t0 + 26 * 3600), .recovered])
        #expect(since == nil)
    }

    @Test(arguments: [
        ("never materialized: nothing", nil as Double?, nil as Double?, 0.0, nil as Double?, nil as FreshnessTransition?),
        ("fresh", 1_000_000.0, nil, 3600.0, nil, nil),
        ("at the limit: fresh", 1_000_000.0, nil, 93_600.0, nil, nil),
        ("just past: stale", 1_000_000.0, nil, 93_601.0, 1_093_600.0, .becameStale(since: 1_093_600)),
        ("still stale: quiet", 1_000_000.0, 1_093_600.0, 200_000.0, 1_093_600.0, nil),
        ("a new but already old materialization: a new period", 1_050_000.0, 1_093_600.0, 200_000.0, 1_143_600.0,
         .becameStale(since: 1_143_600)),
        ("fresh again", 1_150_000.0, 1_093_600.0, 10.0, nil, .recovered),
    ])
    func rule(name: String, last: Double?, staleSince: Double?, after: Double, expectedSince: Double?,
              expected: FreshnessTransition?) {
        let now = (last ?? 1_000_000) + after
        let (since, transition) = FreshnessMonitor.step(policy: policy, lastMaterialized: last, staleSince: staleSince, now: now)
        #expect(since == expectedSince, "\(name)")
        #expect(transition == expected, "\(name)")
    }

    @Test func theStrictestPolicyOfSeveralDAGsWins() throws {
        let a = DAG("a") { d in d.task("t", outlets: ["x://t"]); d.freshness("x://t", .hours(26)) }
        let b = DAG("b") { d in d.task("t", outlets: ["x://t"]); d.freshness("x://t", .hours(2)) }
        #expect(try DAGBag([a, b]).freshnessPolicies == ["x://t": .hours(2)])
    }
}
