import Foundation
import Testing
@testable import OrchCore

@Suite("Panel freshness")
struct PanelFreshnessTests {
    let a = AssetRead("gold.a", producedBy: "dag", "gold")
    let b = AssetRead("gold.b", producedBy: "dag", "other")
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    @Test("a materialization wins over the producing task; the oldest input dates the panel")
    func evidence() {
        let f = PanelFreshness.of([a, b], now: now,
                                  materialized: { $0 == a ? now.addingTimeInterval(-60) : nil },
                                  taskSucceeded: { _ in now.addingTimeInterval(-3600) })
        #expect(f.assets.map(\.basis) == [.materialization, .producingTask])
        #expect(f.assets.map(\.ageSeconds) == [60, 3600])
        #expect(f.oldest == UTCFormat.iso(now.addingTimeInterval(-3600)))
        #expect(f.assets[1].producer == "dag.other")
    }

    @Test("an input never written leaves the panel's freshness unknown")
    func unknown() {
        let f = PanelFreshness.of([a, b], now: now, materialized: { _ in nil },
                                  taskSucceeded: { $0 == a ? now : nil })
        #expect(f.assets.map(\.basis) == [.producingTask, .unknown])
        #expect(f.oldest == nil)
    }
}
