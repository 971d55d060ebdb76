import Foundation
@testable import OrchCore
import Testing

/// A DAG's plan (order, ranks, downstream edges) is derived when a run of it first needs it, not when the engine
/// starts with every DAG loaded, and is the same plan either way.
struct DAGPlanTests {
    let diamond = dag("diamond", [task("a"), task("b", ["a"]), task("c", ["a"]), task("d", ["b", "c"])])
    let idle = dag("idle", [task("x"), task("y", ["x"])])

    @Test func aPlanDerivesItsTablesOnFirstReadAndTheyAreTheDAGs() {
        let plan = DAGPlan(diamond)
        #expect(!plan.isDerived)
        #expect(plan.order == DAGValidator.topologicalOrder(diamond))
        #expect(plan.isDerived)
        #expect(plan.rank == ["a": 0, "b": 1, "c": 2, "d": 3])
        #expect(plan.downstream == diamond.downstream)
        #expect(plan.downstream["a"]?.sorted() == ["b", "c"])
    }

    @Test func copiesOfAPlanShareWhatTheFirstReaderDerived() {
        let plan = DAGPlan(diamond)
        let copy = plan
        _ = copy.rank
        #expect(plan.isDerived)
    }

    @Test func theEngineDerivesOnlyThePlansOfDAGsThatRun() {
        var h = EngineHarness([diamond, idle])
        #expect(h.machine.plans.values.allSatisfy { !$0.isDerived })
        h.send(.runsFound([h.run(1, diamond)]))
        #expect(h.launched == ["1.a#1"])
        #expect(h.machine.plans["diamond"]?.isDerived == true)
        #expect(h.machine.plans["idle"]?.isDerived == false)
        h.started(1, "a")
        h.exit(1, "a")
        #expect(Set(h.launched) == ["1.b#1", "1.c#1"])
    }
}
