import Foundation
import OrchCore

/// Shapes measured by `bench/`: a 1,000-task fan-out and a 100-task chain in both isolation modes, and the
/// shapes compared with Airflow (100-task fan-out, 20-task chain, one task for trigger latency).
let benchFanOut1000Process = fanOut("bench_fanout_1000_process", width: 1000, isolation: .process)
let benchFanOut1000InProcess = fanOut("bench_fanout_1000_inprocess", width: 1000, isolation: .inProcess)
let benchChain100Process = chainDAG("bench_chain_100_process", length: 100, isolation: .process, stamps: true)
let benchChain100InProcess = chainDAG("bench_chain_100_inprocess", length: 100, isolation: .inProcess, stamps: true)
let benchFanOut100 = fanOut("bench_fanout_100", width: 100, isolation: .process)
/// The 1,000-task fan-out on the queue `remote`, run by `orch worker` processes (bench/remote_workers_bench.py).
let benchFanOut1000Remote = fanOut("bench_fanout_1000_remote", width: 1000, isolation: .process, queue: "remote")
let benchChain20 = chainDAG("bench_chain_20", length: 20, isolation: .process)
let benchTrigger = DAG("bench_trigger", description: "One no-op: trigger-to-start latency", tags: ["bench"]) { d in
    d.task("noop")
}

private func fanOut(_ id: String, width: Int, isolation: Isolation, queue: String = TaskSpec.defaultQueue) -> DAG {
    DAG(id, description: "1 root, \(width) parallel no-ops, 1 join", tags: ["bench"], maxActiveTasks: 1024,
        defaults: TaskDefaults(isolation: isolation, queue: queue)) { d in
        let root = d.task("root")
        let middle = (1...width).map { d.task("t\($0)") }
        let join = d.task("join")
        chain(root, middle, join)
    }
}

/// With `stamps`, each task's body logs the wall clock when it starts (`bench-body-start <unix seconds>`):
/// bench/core_bench.py measures a hop from one body to the next, as the tasks saw it, not from the engine's
/// records (which write an end and the next start in the same step, with the same time).
private func chainDAG(_ id: String, length: Int, isolation: Isolation, stamps: Bool = false) -> DAG {
    DAG(id, description: "\(length) no-ops in a chain", tags: ["bench"], defaults: TaskDefaults(isolation: isolation)) { d in
        let body: @Sendable (TaskContext) async throws -> Void = { ctx in
            guard stamps else { return }
            ctx.log("bench-body-start " + String(format: "%.6f", Date().timeIntervalSince1970))
        }
        var previous = d.task("c1", body)
        for i in 2...length {
            let next = d.task("c\(i)", body)
            previous >> next
            previous = next
        }
    }
}

/// Scheduled DAGs that are loaded but not due (they start in 2027): the idle-CPU benchmark measures a
/// scheduler with 20 DAGs loaded, and these bring the count past 20 without creating runs.
let benchIdleDAGs: [LazyDAG] = (1...6).map { i in
    LazyDAG("bench_idle_\(i)") { benchIdleDAG(i) }
}

private func benchIdleDAG(_ i: Int) -> DAG {
    DAG("bench_idle_\(i)", description: "Loaded, not due: idle scheduler benchmark", tags: ["bench"],
        schedule: "\(i * 7) 3 * * *", startDate: .utc(2027, 1, 1)) { d in d.task("noop") }
}

/// The DAGs above, each built when first needed (a global `let` is initialised on first use).
let benchDAGs: [LazyDAG] = [
    LazyDAG("bench_fanout_1000_process") { benchFanOut1000Process },
    LazyDAG("bench_fanout_1000_inprocess") { benchFanOut1000InProcess },
    LazyDAG("bench_chain_100_process") { benchChain100Process },
    LazyDAG("bench_chain_100_inprocess") { benchChain100InProcess },
    LazyDAG("bench_fanout_100") { benchFanOut100 },
    LazyDAG("bench_fanout_1000_remote") { benchFanOut1000Remote },
    LazyDAG("bench_chain_20") { benchChain20 },
    LazyDAG("bench_trigger") { benchTrigger },
] + benchIdleDAGs
