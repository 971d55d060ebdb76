import Foundation
import OrchCore
@testable import OrchStore
import Testing

/// The bulk action rules, decided without a database: which runs and task instances change, which are skipped.
@Suite struct BulkPlannerTests {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    static func run(_ id: String, _ state: RunState, pk: Int64) -> RunRecord {
        RunRecord(pk: pk, dagId: "d", runId: id, runType: .scheduled, state: state, logicalDate: t0,
                  dataInterval: DataInterval(start: t0, end: t0), conf: [:], owner: nil, queuedAt: t0,
                  startDate: nil, endDate: nil)
    }

    static func ti(_ pk: Int64, _ task: String, _ state: TaskState) -> TaskInstanceRecord {
        TaskInstanceRecord(runPk: pk, taskId: task, state: state, tryNumber: 1, maxTries: 1, nextRetryAt: nil,
                           startDate: nil, endDate: nil, pid: nil, error: nil)
    }

    /// A failed run (a failed, b upstream_failed, c success), a successful one, a running one (a running).
    static let rows: [(RunRecord, [TaskInstanceRecord])] = [
        (run("failed", .failed, pk: 1), [ti(1, "a", .failed), ti(1, "b", .upstreamFailed), ti(1, "c", .success)]),
        (run("ok", .success, pk: 2), [ti(2, "a", .success), ti(2, "b", .success), ti(2, "c", .success)]),
        (run("live", .running, pk: 3), [ti(3, "a", .running), ti(3, "b", .none), ti(3, "c", .none)]),
    ]

    func plan(_ target: BulkTarget, _ action: BulkAction, _ filter: BulkFilter = BulkFilter(dagId: "d"),
              missing: [String] = []) -> BulkPlan {
        BulkPlanner.plan(target, action, filter: filter, dryRun: true, runs: Self.rows, missingRunIds: missing)
    }

    func changed(_ p: BulkPlan) -> [String: [String]] {
        Dictionary(uniqueKeysWithValues: p.changes.map { ($0.run.runId, $0.taskIds) })
    }

    @Test func clearingRunsClearsEveryTaskOfFinishedRunsAndSkipsActiveOnes() {
        let p = plan(.runs, .clear)
        #expect(changed(p) == ["failed": ["a", "b", "c"], "ok": ["a", "b", "c"]])
        #expect(p.skipped == [BulkSkip(runId: "live", taskId: nil, reason: "run is running; wait for it to finish")])
        #expect(p.taskCount == 6)
    }

    @Test func clearingRunsOnlyFailedTasksLeavesRunsWithoutAny() {
        let p = plan(.runs, .clear, BulkFilter(dagId: "d", taskStates: [.failed, .upstreamFailed]))
        #expect(changed(p) == ["failed": ["a", "b"]])
    }

    @Test(arguments: [(BulkAction.markSuccess, ["failed": [String](), "live": ["a", "b", "c"]]),
                      (BulkAction.markFailed, ["ok": [String](), "live": ["a", "b", "c"]])])
    func markingRunsLeavesRunsAlreadyInThatStateAndListsUnfinishedTasks(action: BulkAction,
                                                                         expected: [String: [String]]) {
        let p = plan(.runs, action)
        #expect(changed(p) == expected)
        #expect(p.skipped.isEmpty)
    }

    @Test func markingTasksSkipsUnfinishedRunsAndLeavesTasksAlreadyInThatState() {
        let p = plan(.tasks, .markSuccess, BulkFilter(dagId: "d", taskIds: ["a", "c"]))
        #expect(changed(p) == ["failed": ["a"]], "c is already success everywhere; ok's a too")
        #expect(p.skipped.map(\.runId) == ["live"])
    }

    @Test func clearingTasksByStateAndIdAndReportingMissingRuns() {
        let p = plan(.tasks, .clear, BulkFilter(dagId: "d", taskIds: ["b"], taskStates: [.upstreamFailed]),
                     missing: ["ghost"])
        #expect(changed(p) == ["failed": ["b"]])
        #expect(p.skipped == [BulkSkip(runId: "ghost", taskId: nil, reason: "no such run")],
                "live has no upstream_failed b, so it is not listed")
    }

    @Test func anActiveTaskInAFinishedRunIsSkippedByName() {
        let rows = [(Self.run("odd", .failed, pk: 9), [Self.ti(9, "a", .queued), Self.ti(9, "b", .failed)])]
        let p = BulkPlanner.plan(.tasks, .clear, filter: BulkFilter(dagId: "d"), dryRun: false, runs: rows)
        #expect(changed(p) == ["odd": ["b"]])
        #expect(p.skipped == [BulkSkip(runId: "odd", taskId: "a", reason: "task is queued")])
    }

    @Test func aFilterWithNothingInItIsNotNarrowed() {
        #expect(!BulkFilter(dagId: "d").isNarrowed)
        #expect(BulkFilter(dagId: "d", logicalFrom: Self.t0).isNarrowed)
        #expect(BulkFilter(dagId: "d", runIds: ["r"]).isNarrowed)
    }
}
