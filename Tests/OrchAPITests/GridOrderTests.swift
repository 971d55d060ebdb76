import Foundation
import OrchCore
import OrchStore
import Testing
@testable import OrchAPI

/// The grid puts a run's cells (read sorted by task id) in DAG order: by one permutation when the run has exactly
/// the DAG's tasks, slot by slot otherwise (tasks missing from the run, tasks no longer in the DAG last).
@Suite struct GridOrderTests {
    func cells(_ ids: [String]) -> [GridCell] {
        ids.sorted().map { GridCell(runPk: 1, taskId: $0, state: .success, tryNumber: 1) }
    }

    @Test func exactTasksFollowTheDAGOrder() {
        let order = TaskOrder(etlDAG)
        #expect(order.arrange(cells(["extract", "transform_a", "transform_b", "load"])).map(\.taskId)
                == ["extract", "transform_a", "transform_b", "load"])
        let numbered = DAG("n") { d in for i in 1...12 { d.task("c\(i)") } }
        #expect(TaskOrder(numbered).arrange(cells((1...12).map { "c\($0)" })).map(\.taskId)
                == (1...12).map { "c\($0)" })   // sorted by id would put c10 before c2
    }

    @Test func missingAndRemovedTasksStillLandInPlace() {
        let order = TaskOrder(etlDAG)
        #expect(order.arrange(cells(["load", "extract"])).map(\.taskId) == ["extract", "load"])
        #expect(order.arrange(cells(["load", "old_b", "extract", "old_a"])).map(\.taskId)
                == ["extract", "load", "old_a", "old_b"])
        #expect(order.arrange(cells(["extract", "transform_a", "transform_b", "zzz"])).map(\.taskId)
                == ["extract", "transform_a", "transform_b", "zzz"])
        #expect(order.arrange([]).isEmpty)
    }
}
