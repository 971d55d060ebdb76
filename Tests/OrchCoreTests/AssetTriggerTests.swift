import Foundation
@testable import OrchCore
import Testing

/// Asset expressions and the asset-scheduling rule (issue 14).
@Suite struct AssetTriggerTests {
    let a = "x://a", b = "x://b", c = "x://c"

    @Test func expressionsLikeAirflows() {
        let both = AssetTrigger.allOf([a, b])
        #expect(!both.isSatisfied(updated: [a]))
        #expect(both.isSatisfied(updated: [a, b]))
        #expect(AssetTrigger.anyOf([a, b]).isSatisfied(updated: [b]))
        let nested = AssetTrigger.all([.asset(a), .any([.asset(b), .asset(c)])])
        #expect(nested.isSatisfied(updated: [a, c]))
        #expect(!nested.isSatisfied(updated: [b, c]))
        #expect(nested.uris == [a, b, c])
        #expect(AssetTrigger.all([.asset(a), .asset(a)]).uris == [a])
    }

    @Test func dueOnlyForMaterializationsNewerThanTheLastRunConsumed() {
        let t = AssetTrigger.allOf([a, b])
        #expect(!AssetScheduling.isDue(t, latest: [:], consumed: [:]), "never materialized")
        #expect(!AssetScheduling.isDue(t, latest: [a: 5], consumed: [:]), "b never materialized")
        #expect(AssetScheduling.isDue(t, latest: [a: 5, b: 6], consumed: [:]))
        #expect(!AssetScheduling.isDue(t, latest: [a: 5, b: 6], consumed: [a: 5, b: 6]), "already consumed")
        #expect(!AssetScheduling.isDue(t, latest: [a: 7, b: 6], consumed: [a: 5, b: 6]), "only a is new")
        #expect(AssetScheduling.isDue(t, latest: [a: 7, b: 8], consumed: [a: 5, b: 6]))
        #expect(AssetScheduling.isDue(.anyOf([a, b]), latest: [a: 7, b: 6], consumed: [a: 5, b: 6]))
    }

    @Test func anAssetScheduleIsValidatedAndCodable() throws {
        let both = DAG("d", schedule: "@daily") { d in d.schedule(on: .allOf(["nope"])) }
        #expect(DAGValidator.validate(both).map(\.description).sorted() == [
            "DAG 'd': a DAG is scheduled on assets or on a cron schedule, not both",
            "DAG 'd': asset URI 'nope' needs a scheme, like postgres://warehouse/gold.fct_orders",
        ])
        let t = AssetTrigger.all([.asset(a), .any([.asset(b)])])
        #expect(try JSONDecoder().decode(AssetTrigger.self, from: JSONEncoder().encode(t)) == t)
    }
}
