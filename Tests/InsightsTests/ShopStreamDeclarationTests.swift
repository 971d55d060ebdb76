@testable import orch_dags
import Foundation
import OrchCore
import Testing

/// The ShopStream dashboard as declared in dags/: valid, covering every metric the seeds ask for, and documented
/// for BI tools with the very SQL orch runs.
@Suite("ShopStream dashboard declaration")
struct ShopStreamDeclarationTests {
    static var dashboard: Dashboard { DashboardRegistry.all.first { $0.id == "shopstream" }! }

    @Test("valid with the bundle's connections, and every panel reads gold through 'warehouse'")
    func valid() throws {
        let connections = try NamedConnections(environment: [:], defaults: DashboardRegistry.connectionDefaults)
        #expect(DashboardValidator.validate(DashboardRegistry.all, connections: Set(connections.names)).isEmpty)
        for panel in Self.dashboard.panels {
            #expect(panel.connection == "warehouse")
            #expect(panel.reads.allSatisfy { $0.asset.hasPrefix("gold.") && $0.dagId == "shopstream_daily" })
        }
    }

    @Test("every metric of the issue has a panel of a fitting kind")
    func coverage() {
        let kinds = Dictionary(uniqueKeysWithValues: Self.dashboard.panels.map { ($0.id, $0.kind) })
        let expected: [String: PanelKind] = [
            "revenue": .kpi, "orders": .kpi, "aov": .kpi, "revenue_by_category": .bar, "top_products": .bar,
            "sales_trend": .line, "top_customers": .table, "ltv_segments": .bar, "product_rankings": .table,
            "category_comparison": .table, "funnel": .funnel, "events_by_type": .line,
        ]
        for (id, kind) in expected { #expect(kinds[id] == kind, "panel \(id)") }
    }

    @Test("docs/bi-tools.md shows each panel's SQL exactly as declared")
    func documented() throws {
        let doc = try String(contentsOfFile: repository + "/docs/bi-tools.md", encoding: .utf8)
        for panel in Self.dashboard.panels {
            #expect(doc.contains("```sql\n\(panel.sql)\n```"), "panel \(panel.id): run scripts/bi-tools-doc.py")
        }
    }
}
