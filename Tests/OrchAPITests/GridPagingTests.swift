import Foundation
import OrchCore
import OrchRuntime
import OrchStore
import Testing

/// The dashboard pages back through a DAG's history with the grid's `offset` (issue 16, item 4): pages join up
/// without gaps or repeats, newest first, in the runs list's order.
@Suite struct GridPagingTests {
    @Test func pagesCoverEveryRunOnceNewestFirst() throws {
        let app = try TestApp()
        for day in 1...57 {
            let date = Date.utc(2026, 9, 1).addingTimeInterval(Double(day) * 86_400)
            _ = try RunFactory.create(store: app.store, dag: manualDAG, type: .manual,
                                      interval: RunFactory.interval(for: manualDAG, logicalDate: date), conf: [:],
                                      owner: nil, now: Date())
        }
        var paged: [String] = []
        var total = 0
        for offset in stride(from: 0, to: 75, by: 25) {
            let grid = try app.get("/api/v1/dags/manual_only/grid?limit=25&offset=\(offset)").json()
            total = grid["total_runs"] as? Int ?? -1
            let runs = try #require(grid["runs"] as? [[String: Any]])
            #expect(runs.count == min(25, max(0, 57 - offset)))
            paged += runs.compactMap { $0["run_id"] as? String }
        }
        #expect(total == 57)
        #expect(Set(paged).count == 57)
        let listed = try #require(try app.get("/api/v1/dags/manual_only/runs?limit=100").json()["runs"] as? [[String: Any]])
        #expect(paged == listed.compactMap { $0["run_id"] as? String })
        let dates = listed.compactMap { $0["logical_date"] as? String }
        #expect(dates == dates.sorted(by: >))
    }
}
