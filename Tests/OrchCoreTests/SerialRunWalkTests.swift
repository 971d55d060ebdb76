import Foundation
import OrchCore
import Testing

/// `orch dags test`'s walk: one task at a time in dependency order, the engine's trigger rules and check blocking.
@Suite struct SerialRunWalkTests {
    /// Drives a walk to its end: runs each task it names with `outcomes[task]` (success when absent) and the check
    /// results `checks[task]`; returns the tasks run, in order, and the walk.
    static func drive(_ dag: DAG, outcomes: [String: AttemptOutcome] = [:], checks: [String: [AssetCheckRecord]] = [:],
                      marked: Set<String> = []) -> (ran: [String], walk: SerialRunWalk) {
        var walk = SerialRunWalk(dag: dag, markedSuccessful: marked)
        var ran: [String] = []
        while let next = walk.next() {
            if case .run(let task) = next {
                ran.append(task)
                walk.finished(task, outcome: outcomes[task] ?? .success, checks: checks[task] ?? [])
            }
        }
        return (ran, walk)
    }

    @Test func aChainRunsInDependencyOrderAndSucceeds() {
        let dag = DAG("chain") { d in chain(d.task("a"), d.task("b"), d.task("c")) }
        let (ran, walk) = Self.drive(dag)
        #expect(ran == ["a", "b", "c"])
        #expect(walk.states == ["a": .success, "b": .success, "c": .success])
        #expect(walk.runState == .success)
    }

    @Test func aFailureStopsItsDownstreamAndFailsTheRunWhileAllDoneStillRuns() {
        let dag = DAG("fail") { d in
            let a = d.task("a"); let b = d.task("b"); let c = d.task("c")
            let cleanup = d.task("cleanup", triggerRule: .allDone)
            chain(a, b, c)
            b >> cleanup
        }
        let (ran, walk) = Self.drive(dag, outcomes: ["b": .failed(exitCode: nil, error: "boom")])
        #expect(ran == ["a", "b", "cleanup"])
        #expect(walk.states["b"] == .failed)
        #expect(walk.states["c"] == .upstreamFailed)
        #expect(walk.states["cleanup"] == .success)
        #expect(walk.runState == .failed)   // the leaf c is upstream_failed
    }

    @Test func aSkippedTaskSkipsItsAllSuccessDownstream() {
        let dag = DAG("skip") { d in d.task("a") >> d.task("b") }
        let (ran, walk) = Self.drive(dag, outcomes: ["a": .skipped(reason: "nothing to do")])
        #expect(ran == ["a"])
        #expect(walk.states == ["a": .skipped, "b": .skipped])
        #expect(walk.runState == .success)
    }

    @Test func aMarkedTaskIsNotRunAndCountsAsSuccessful() {
        let dag = DAG("mark") { d in chain(d.task("sensor"), d.task("work")) }
        var walk = SerialRunWalk(dag: dag, markedSuccessful: ["sensor"])
        #expect(walk.next() == .decided(task: "sensor", state: .success, reason: "marked successful, not run"))
        #expect(walk.next() == .run(task: "work"))
        walk.finished("work", outcome: .success)
        #expect(walk.next() == nil)
        #expect(walk.runState == .success)
    }

    @Test func aFailedErrorCheckBlocksTheReadersOfItsAssetOnlyAndAWarnCheckBlocksNothing() {
        let dag = DAG("checks") { d in
            let w = d.task("write", outlets: ["file://x/a", "file://x/b"])
            let readA = d.task("read_a", inlets: ["file://x/a"])
            let readB = d.task("read_b", inlets: ["file://x/b"])
            let after = d.task("after_a")
            w >> [readA, readB]
            readA >> after
        }
        let failed = AssetCheckOutcome(passed: false, details: "0 rows")
        let records = [AssetCheckRecord(name: "rows", asset: "file://x/a", severity: .error, outcome: failed),
                       AssetCheckRecord(name: "soft", asset: "file://x/b", severity: .warn, outcome: failed)]
        let (ran, walk) = Self.drive(dag, checks: ["write": records])
        #expect(ran == ["write", "read_b"])
        #expect(walk.states["write"] == .success)
        #expect(walk.states["read_a"] == .blockedByCheck)
        #expect(walk.states["after_a"] == .upstreamFailed)
        #expect(walk.states["read_b"] == .success)
        #expect(walk.runState == .failed)
    }

    /// The walk and the engine's evaluator (``RunEvaluator``, as a scheduled run uses it) end every task in the
    /// same state, for every trigger rule and every way two upstream tasks can end.
    @Test(arguments: TriggerRule.allCases)
    func everyTriggerRuleEndsAsInAScheduledRun(_ rule: TriggerRule) {
        let dag = DAG("rules") { d in
            let r1 = d.task("r1"); let r2 = d.task("r2")
            let t = d.task("t", triggerRule: rule)
            [r1, r2] >> t
            t >> d.task("after")
        }
        let ends: [AttemptOutcome] = [.success, .failed(exitCode: 1, error: "x"), .skipped(reason: "y")]
        for e1 in ends {
            for e2 in ends {
                let outcomes = ["r1": e1, "r2": e2]
                let (_, walk) = Self.drive(dag, outcomes: outcomes)
                var sim = RunEvaluatorTests.Sim(dag)
                var finished: RunState?
                for _ in 0..<10 {
                    let decisions = sim.step(Date(timeIntervalSince1970: 0))
                    for d in decisions {
                        if case .schedule(let task) = d { sim.attempt(task, outcomes[task] ?? .success, at: Date(timeIntervalSince1970: 0)) }
                        if case .finishRun(let s) = d { finished = s }
                    }
                }
                #expect(walk.states == sim.instances.mapValues(\.state), "\(rule) with r1 \(e1.summary), r2 \(e2.summary)")
                #expect(walk.runState == finished, "\(rule) with r1 \(e1.summary), r2 \(e2.summary)")
            }
        }
    }
}
