import Foundation
import Testing
@testable import OrchCore

@Suite("Dashboard declarations")
struct DashboardValidatorTests {
    static let read = AssetRead("gold.t", producedBy: "d", "t")

    static func dashboard(_ panels: [Panel], id: String = "sales") -> Dashboard {
        Dashboard(id, title: "Sales", panels: panels)
    }

    @Test("a good declaration has no problem, and survives JSON unchanged")
    func good() throws {
        let d = Self.dashboard([Panel("rev", title: "Revenue", kind: .kpi, sql: "SELECT sum(x) FROM gold.t WHERE d >= $1 AND d < $2",
                                      reads: [Self.read], format: .currency)])
        #expect(DashboardValidator.validate([d], connections: ["warehouse"]).isEmpty)
        let json = try JSONEncoder().encode(d)
        #expect(try JSONDecoder().decode(Dashboard.self, from: json) == d)
    }

    @Test("unknown connection, a write, duplicates: each named with its panel")
    func problems() {
        let d = Self.dashboard([
            Panel("a", title: "A", kind: .table, connection: "nowhere", sql: "SELECT 1", reads: [Self.read]),
            Panel("b", title: "B", kind: .table, sql: "UPDATE gold.t SET x = 1", reads: [Self.read]),
            Panel("b", title: "B again", kind: .bar, sql: "SELECT 1", reads: []),
        ])
        let problems = DashboardValidator.validate([d, Self.dashboard([], id: "sales")], connections: ["warehouse"])
        #expect(problems.map(\.description) == [
            "dashboard 'sales', panel 'a': unknown connection 'nowhere' (known: warehouse); set ORCH_CONN_NOWHERE or add it to ORCH_HOME/connections.json",
            "dashboard 'sales', panel 'b': the query starts with UPDATE; a panel may only read (SELECT, WITH … SELECT, VALUES, TABLE)",
            "dashboard 'sales', panel 'b': two panels have this id",
            "dashboard 'sales', panel 'b': it names no asset it reads (reads: [])",
            "dashboard 'sales': two dashboards have this id",
            "dashboard 'sales': it has no panels",
        ])
    }
}
