import Foundation
@testable import OrchCore
import Testing

/// The engine keeps each task's upstream states counted as they change (so a join with a thousand upstreams is
/// not looked at upstream by upstream each time one ends). Kept counts must always equal counting afresh, and
/// judging with them must decide exactly what judging upstream by upstream decides.
@Suite struct UpstreamSummaryTests {
    static let states: [TaskState] = [.none, .scheduled, .running, .upForRetry, .success, .failed, .skipped,
                                      .upstreamFailed, .removed]

    /// Two layers fanning into joins of every trigger rule.
    static func dag() -> DAG {
        DAG("summaries") { d in
            let roots = (1...6).map { d.task("r\($0)") }
            for (i, rule) in TriggerRule.allCases.enumerated() {
                let join = d.task("j\(i)", triggerRule: rule)
                for r in roots where (r.id.hashValue & 1 == 0) || r.id == "r\(i % 6 + 1)" { r >> join }
                join >> d.task("after\(i)", triggerRule: rule)
            }
        }
    }

    static func input(_ dag: DAG, _ states: [String: TaskState]) -> EngineRunInput {
        let t = Date(timeIntervalSince1970: 1_800_000_000)
        return EngineRunInput(pk: 1, runId: "r", dagId: dag.id, state: .running, logicalDate: t, queuedAt: t,
                              intervalEnd: t,
                              instances: dag.tasks.map { TaskInstanceSnapshot(taskId: $0.id, state: states[$0.id] ?? .none) },
                              found: [:], failedChecks: [])
    }

    static func recount(_ run: EngineRun, _ dag: DAG) -> [String: UpstreamSummary] {
        var out: [String: UpstreamSummary] = [:]
        for task in dag.tasks where !task.upstream.isEmpty {
            out[task.id] = UpstreamSummary(states: task.upstream.map { run.instances[$0]?.state ?? .none })
        }
        return out
    }

    @Test func keptCountsEqualCountingAfreshAfterEveryChange() {
        let dag = Self.dag()
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<50 {
            var run = EngineRun(Self.input(dag, [:]), plan: DAGPlan(dag))
            for _ in 0..<60 {
                let task = dag.tasks.randomElement(using: &rng)!.id
                run.setState(task, Self.states.randomElement(using: &rng)!, rank: 0)
                #expect(run.upstream == Self.recount(run, dag))
            }
        }
    }

    @Test func judgingWithKeptCountsDecidesTheSame() {
        let dag = Self.dag()
        let plan = DAGPlan(dag)
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<300 {
            var states: [String: TaskState] = [:]
            for task in dag.tasks { states[task.id] = Self.states.randomElement(using: &rng)! }
            // Joins and their followers still to be judged, so the cascade (a skip moving a follower) is exercised.
            for task in dag.tasks where !task.id.hasPrefix("r") && Bool.random(using: &rng) { states[task.id] = TaskState.none }
            let run = EngineRun(Self.input(dag, states), plan: plan)
            let candidates = dag.tasks.map(\.id)
            let counted = RunEvaluator.evaluate(dag: dag, candidates: candidates, instances: run.instances, rank: plan.rank,
                                                downstream: plan.downstream, upstream: run.upstream, now: Date())
            let oneByOne = RunEvaluator.evaluate(dag: dag, candidates: candidates, instances: run.instances, rank: plan.rank,
                                                 downstream: plan.downstream, now: Date())
            #expect(counted == oneByOne, "\(states)")
        }
    }
}
