import Foundation
import OrchCore
import Testing

/// DAG versions in the state machine (issue 13): a run pinned to a version is evaluated with that version's DAG,
/// whatever was loaded since; a reload changes what runs without a version and new runs follow. No sleeps.
@Suite struct EngineVersionTests {
    static let v1 = dag("hot", [task("a")])
    static let v2 = dag("hot", [task("a"), task("b", ["a"])])

    @Test func aPinnedRunKeepsItsVersionAfterAReload() {
        var h = EngineHarness([Self.v1])
        h.machine.addVersion(Self.v1, version: "one")
        var input = h.run(1, Self.v1)
        input.dagVersion = "one"
        h.send(.runsFound([input]))
        #expect(h.launched == ["1.a#1"])
        // The bundle is rebuilt with a second task: the in-flight run does not get it.
        h.machine.replaceDAGs([Self.v2])
        h.machine.addVersion(Self.v2, version: "two")
        h.exit(1, "a")
        #expect(h.batch?.finishedRuns.first?.state == .success)
        #expect(h.batch?.taskChanges.contains { $0.key.taskId == "b" } == false)
        // The next run, pinned to the new version, runs both.
        var next = h.run(2, Self.v2)
        next.dagVersion = "two"
        h.send(.runsFound([next]))
        h.exit(2, "a")
        #expect(h.launched == ["2.b#1"])
    }

    @Test func aRunWhoseVersionIsNotRegisteredWaitsAsNotLoaded() {
        var h = EngineHarness([Self.v1])
        var input = h.run(1, Self.v1)
        input.dagVersion = "unknown"
        h.send(.runsFound([input]))
        #expect(h.launched.isEmpty)
        #expect(h.reason(1, "a") != nil)
    }

    @Test func aRunWithoutAVersionFollowsTheReloadedDAG() {
        var h = EngineHarness([])
        h.send(.runsFound([h.run(1, Self.v2)]))
        #expect(h.launched.isEmpty)   // its DAG is not loaded yet
        h.machine.replaceDAGs([Self.v2])
        h.send(.runsFound([h.run(1, Self.v2)]))
        #expect(h.launched == ["1.a#1"])
        #expect(h.machine.dagIds == ["hot"])
    }
}

/// What `orch dags versions DAG --diff A B` reports.
@Suite struct DAGDiffTests {
    @Test func tasksAddedRemovedRewiredAndChanged() {
        let old = dag("d", [task("extract"), task("load", ["extract"]), task("gone", ["load"])])
        var newer = dag("d", [task("extract", retries: 3), task("clean", ["extract"]), task("load", ["clean"])])
        newer.schedule = "@daily"
        let diff = DAGDiff(from: old, to: newer)
        #expect(diff.added == ["clean"])
        #expect(diff.removed == ["gone"])
        #expect(diff.dependencies == [.init(taskId: "load", before: ["extract"], after: ["clean"])])
        #expect(diff.changed == ["extract"])
        #expect(diff.schedule?.before == nil && diff.schedule?.after == "@daily (UTC)")
        #expect(diff.settings.isEmpty)
        #expect(!diff.isEmpty)
    }

    @Test func theSameDAGHasNoDifference() {
        let d = dag("d", [task("a"), task("b", ["a"])])
        #expect(DAGDiff(from: d, to: d).isEmpty)
    }

    @Test func otherSettingsAreNamed() {
        let old = dag("d", [task("a")], maxActiveRuns: 1)
        let newer = dag("d", [task("a")], maxActiveRuns: 4)
        #expect(DAGDiff(from: old, to: newer).settings == ["maxActiveRuns"])
    }
}
