import Foundation
import OrchCore
import Testing

/// The run state machine driven with a manual clock: nothing sleeps, time is a value.
@Suite struct RunEvaluatorTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    /// A run in memory: applies decisions as the runtime would.
    struct Sim {
        let dag: DAG
        var instances: [String: TaskInstanceSnapshot]
        var finished: RunState?

        init(_ dag: DAG) {
            self.dag = dag
            instances = Dictionary(uniqueKeysWithValues: dag.tasks.map { ($0.id, TaskInstanceSnapshot(taskId: $0.id, state: .none)) })
        }

        /// Evaluates at `now`, applies the decisions, returns them.
        @discardableResult
        mutating func step(_ now: Date) -> [RunDecision] {
            let d = RunEvaluator.evaluate(dag: dag, order: DAGValidator.topologicalOrder(dag), instances: instances, now: now)
            for decision in d {
                switch decision {
                case .schedule(let t): instances[t]?.state = .scheduled
                case .upstreamFailed(let t): instances[t]?.state = .upstreamFailed
                case .skip(let t): instances[t]?.state = .skipped
                case .finishRun(let s): finished = s
                }
            }
            return d
        }

        /// Runs one attempt of a scheduled task that ends at `now` with `outcome`.
        mutating func attempt(_ task: String, _ outcome: AttemptOutcome, at now: Date) {
            guard var ti = instances[task], ti.state == .scheduled else {
                Issue.record("\(task) is not scheduled: \(instances[task]?.state.rawValue ?? "missing")"); return
            }
            ti.tryNumber += 1
            let r = AttemptResolution.resolve(outcome, tryNumber: ti.tryNumber, policy: dag.task(task)!.retry, now: now)
            ti.state = r.state
            ti.nextRetryAt = r.nextRetryAt
            instances[task] = ti
        }

        func state(_ t: String) -> TaskState? { instances[t]?.state }
        var scheduled: Set<String> { Set(instances.values.filter { $0.state == .scheduled }.map(\.taskId)) }
    }

    @Test func rootsAreScheduledFirstAndTheRestWait() {
        let dag = DAG("d") { d in
            let a = d.task("a"); let b = d.task("b"); let c = d.task("c")
            [a, b] >> c
        }
        var sim = Sim(dag)
        #expect(Set(sim.step(t0)) == [.schedule(task: "a"), .schedule(task: "b")])
        sim.attempt("a", .success, at: t0)
        #expect(sim.step(t0).isEmpty)
        sim.attempt("b", .success, at: t0)
        #expect(sim.step(t0) == [.schedule(task: "c")])
        sim.attempt("c", .success, at: t0)
        #expect(sim.step(t0) == [.finishRun(.success)])
    }

    @Test func upstreamFailedCascadesInOneCallWhileOtherRulesStillRun() {
        let dag = DAG("cascade") { d in
            let a = d.task("a"); let b = d.task("b"); let c = d.task("c")
            let cleanup = d.task("cleanup", triggerRule: .allDone)
            let alert = d.task("alert", triggerRule: .oneFailed)
            let never = d.task("never", triggerRule: .allFailed)
            chain(a, b, c, cleanup)
            a >> alert
            d.task("ok") >> never
        }
        var sim = Sim(dag)
        sim.step(t0)
        sim.attempt("a", .failed(exitCode: 1, error: "x"), at: t0)
        sim.attempt("ok", .success, at: t0)
        let d = sim.step(t0)
        #expect(d.contains(.upstreamFailed(task: "b")))
        #expect(d.contains(.upstreamFailed(task: "c")))
        #expect(d.contains(.schedule(task: "cleanup")))
        #expect(d.contains(.schedule(task: "alert")))
        #expect(d.contains(.skip(task: "never")))
        #expect(!d.contains { if case .finishRun = $0 { return true }; return false })
        sim.attempt("cleanup", .success, at: t0)
        sim.attempt("alert", .success, at: t0)
        // Leaves: cleanup (success), alert (success), never (skipped): the run succeeds though a failed.
        #expect(sim.step(t0) == [.finishRun(.success)])
    }

    @Test func aFailedLeafFailsTheRunAndAnUpstreamFailedLeafToo() {
        let one = DAG("one") { d in d.task("a") >> d.task("b") }
        var sim = Sim(one)
        sim.step(t0)
        sim.attempt("a", .failed(exitCode: 1, error: ""), at: t0)
        #expect(sim.step(t0) == [.upstreamFailed(task: "b"), .finishRun(.failed)])
        #expect(RunEvaluator.outcome(dag: one, states: ["a": .success, "b": .failed]) == .failed)
        #expect(RunEvaluator.outcome(dag: one, states: ["a": .success, "b": .skipped]) == .success)
        #expect(RunEvaluator.outcome(dag: one, states: ["a": .failed, "b": .success]) == .success)
    }

    @Test func retriesWaitForTheirBackoffTimes() {
        let dag = DAG("retry") { d in
            d.task("flaky", retries: 3, retryDelay: 10, exponentialBackoff: true, maxRetryDelay: 25) >> d.task("after")
        }
        var sim = Sim(dag)
        var now = t0
        sim.step(now)
        var retryTimes: [Date] = []
        for _ in 1...3 {
            sim.attempt("flaky", .crashed(signal: 11, error: "segv"), at: now)
            #expect(sim.state("flaky") == .upForRetry)
            let at = sim.instances["flaky"]!.nextRetryAt!
            retryTimes.append(at)
            #expect(RunEvaluator.nextWake(instances: sim.instances) == at)
            // One instant before the retry time: nothing happens.
            #expect(sim.step(at.addingTimeInterval(-0.001)).isEmpty)
            now = at
            #expect(sim.step(now) == [.schedule(task: "flaky")])
        }
        #expect(retryTimes.map { $0.timeIntervalSince(t0) } == [10, 30, 55])
        sim.attempt("flaky", .success, at: now)
        #expect(sim.step(now) == [.schedule(task: "after")])
        #expect(sim.instances["flaky"]!.tryNumber == 4)
    }

    @Test func theLastRetryFailingEndsTheRunFailed() {
        let dag = DAG("r") { d in d.task("t", retries: 1, retryDelay: 5) }
        var sim = Sim(dag)
        sim.step(t0)
        sim.attempt("t", .timedOut(seconds: 3), at: t0)
        sim.step(t0.addingTimeInterval(5))
        sim.attempt("t", .timedOut(seconds: 3), at: t0.addingTimeInterval(9))
        #expect(sim.state("t") == .failed)
        #expect(sim.step(t0.addingTimeInterval(9)) == [.finishRun(.failed)])
        #expect(RunEvaluator.nextWake(instances: sim.instances) == nil)
    }

    @Test func skipsPropagateUnderAllSuccessButNotNoneFailed() {
        let dag = DAG("skips") { d in
            let a = d.task("a")
            let b = d.task("b")
            let c = d.task("c", triggerRule: .noneFailed)
            a >> b
            a >> c
        }
        var sim = Sim(dag)
        sim.step(t0)
        sim.attempt("a", .skipped(reason: "nothing to do"), at: t0)
        let d = sim.step(t0)
        #expect(d.contains(.skip(task: "b")))
        #expect(d.contains(.schedule(task: "c")))
    }

    @Test func anEmptyRunFinishesSuccessAtOnce() {
        #expect(RunEvaluator.evaluate(dag: DAG("empty"), order: [], instances: [:], now: t0) == [.finishRun(.success)])
    }

    @Test func activeTasksAreLeftAlone() {
        let dag = DAG("busy") { d in d.task("a") >> d.task("b") }
        let instances = ["a": TaskInstanceSnapshot(taskId: "a", state: .running, tryNumber: 1),
                         "b": TaskInstanceSnapshot(taskId: "b", state: .none)]
        #expect(RunEvaluator.evaluate(dag: dag, order: ["a", "b"], instances: instances, now: t0).isEmpty)
    }
}
