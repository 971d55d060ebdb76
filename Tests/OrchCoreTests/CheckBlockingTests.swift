import Foundation
@testable import OrchCore
import Testing

/// The blocking rule and asset-check declarations (issue 14).
@Suite struct CheckBlockingTests {
    @Test func onlyFailedChecksOnAssetsTheTaskReadsBlockIt() {
        let failed = [CheckBlocking.FailedCheck(asset: "pg://w/b", name: "z"), .init(asset: "pg://w/a", name: "y"),
                      .init(asset: "pg://w/c", name: "x")]
        #expect(CheckBlocking.reason(inlets: [], failed: failed) == nil)
        #expect(CheckBlocking.reason(inlets: ["pg://w/other"], failed: failed) == nil)
        #expect(CheckBlocking.reason(inlets: ["pg://w/b", "pg://w/a"], failed: failed)
            == "blocked by check 'y' on pg://w/a, 'z' on pg://w/b (error)")
        #expect(CheckBlocking.reason(inlets: ["pg://w/a"], failed: []) == nil)
    }

    @Test func checksAttachToEveryTaskThatWritesTheirAsset() {
        let dag = DAG("d") { d in
            d.task("a", outlets: ["pg://w/t"])
            d.task("b", outlets: ["pg://w/t", "pg://w/u"])
            d.task("c")
            d.check("t_ok", on: "pg://w/t", severity: .error) { _ in AssetCheckOutcome(passed: true) }
            d.check("u_ok", on: "pg://w/u", severity: .warn) { _ in AssetCheckOutcome(passed: true) }
        }
        #expect(dag.task("a")?.checks.map(\.name) == ["t_ok"])
        #expect(dag.task("b")?.checks.map(\.name) == ["t_ok", "u_ok"])
        #expect(dag.task("c")?.checks.isEmpty == true)
        #expect(dag.checks.map(\.declaration) == [
            AssetCheckDeclaration(name: "t_ok", asset: "pg://w/t", severity: .error, doc: ""),
            AssetCheckDeclaration(name: "u_ok", asset: "pg://w/u", severity: .warn, doc: ""),
        ])
        #expect(DAGValidator.validate(dag).isEmpty)
    }

    @Test func aCheckOnAnAssetNoTaskWritesOrATwiceUsedNameIsReported() {
        let dag = DAG("d") { d in
            d.task("a", outlets: ["pg://w/t"])
            d.check("c1", on: "pg://w/nowhere", severity: .error) { _ in AssetCheckOutcome(passed: true) }
            d.check("c2", on: "pg://w/t", severity: .error) { _ in AssetCheckOutcome(passed: true) }
            d.check("c2", on: "pg://w/t", severity: .warn) { _ in AssetCheckOutcome(passed: true) }
        }
        #expect(DAGValidator.validate(dag).map(\.description).sorted() == [
            "DAG 'd': check 'c1' is on 'pg://w/nowhere', which no task of this DAG writes",
            "DAG 'd': check 'c2' is declared more than once",
        ])
    }

    @Test func aBlockedTaskCountsAsAFailedUpstreamAndFailsTheRun() {
        #expect(TaskState.blockedByCheck.isFinished)
        #expect(UpstreamSummary(states: [.blockedByCheck]).failed == 1)
        #expect(TriggerRule.allSuccess.verdict(UpstreamSummary(states: [.blockedByCheck])) == .upstreamFailed)
        let dag = DAG("d") { d in d.task("a") }
        #expect(RunEvaluator.outcome(dag: dag, states: ["a": .blockedByCheck]) == .failed)
    }

    @Test func checkResultsRoundTripAndBadOnesAreRefused() throws {
        let r = AssetCheckRecord(name: "n", asset: "pg://w/t", severity: .warn,
                                 outcome: AssetCheckOutcome(passed: false, observed: 4, details: "four"))
        #expect(try AssetCheckRecord(json: r.json) == r)
        #expect { try AssetCheckRecord(json: .object(["name": "n", "asset": "a://b", "severity": "fatal", "passed": true])) }
            throws: { "\($0)".contains("severity (warn or error)") }
    }
}
