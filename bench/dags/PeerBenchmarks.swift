#if canImport(Glibc)
import Glibc
#endif
import Foundation
import OrchCore

/// The shapes of the peer benchmark (`make bench-peers`, bench/peers/): each in both isolation modes (`_proc`,
/// `_inproc`) and at two scales, full (`peer_<shape>_<mode>`) and small (`…_s`, for checking the harness). The
/// same table is in bench/peers/shapes.py, which the Prefect, Dagster, Luigi and Airflow sides build from.
///
/// Task bodies: `noop` returns; `cpu` spins until its thread has used 10 ms of CPU; `sleep` sleeps 1 s.
/// Kinds: `fanout` (root → width → join), `chain` (c1 → … → cN), `burst` (N independent tasks).
/// Multi-DAG shapes (the Astronomer scenarios) add `_<i>` (1-based) to the id.
struct PeerShape: Sendable {
    enum Kind: Sendable { case fanout, chain, burst }
    enum Body: Sendable { case noop, cpu, sleep }
    let name: String
    let kind: Kind
    let body: Body
    let full: (dags: Int, size: Int)
    let small: (dags: Int, size: Int)
}

let peerShapes: [PeerShape] = [
    PeerShape(name: "fanout_100", kind: .fanout, body: .noop, full: (1, 100), small: (1, 10)),
    PeerShape(name: "fanout_1000", kind: .fanout, body: .noop, full: (1, 1000), small: (1, 20)),
    PeerShape(name: "chain_20", kind: .chain, body: .noop, full: (1, 20), small: (1, 5)),
    PeerShape(name: "trigger", kind: .chain, body: .noop, full: (1, 1), small: (1, 1)),
    PeerShape(name: "cpu_40", kind: .chain, body: .cpu, full: (1, 40), small: (1, 5)),
    PeerShape(name: "light_400", kind: .chain, body: .noop, full: (1, 400), small: (1, 10)),
    PeerShape(name: "sleep_10", kind: .chain, body: .sleep, full: (1, 10), small: (1, 2)),
    PeerShape(name: "astro_100x10", kind: .chain, body: .noop, full: (100, 10), small: (3, 3)),
    PeerShape(name: "astro_10x100", kind: .chain, body: .noop, full: (10, 100), small: (2, 5)),
    PeerShape(name: "astro_1x1000", kind: .burst, body: .noop, full: (1, 1000), small: (1, 20)),
]

/// Every peer-benchmark DAG, each built when first needed.
let peerBenchDAGs: [LazyDAG] = makePeerBenchDAGs()

private func makePeerBenchDAGs() -> [LazyDAG] {
    let variants: [(small: Bool, suffix: String, isolation: Isolation)] = [
        (false, "proc", .process), (false, "inproc", .inProcess), (true, "proc_s", .process),
        (true, "inproc_s", .inProcess),
    ]
    var entries: [LazyDAG] = []
    for shape in peerShapes {
        for variant in variants {
            let dims: (dags: Int, size: Int) = variant.small ? shape.small : shape.full
            for i in 1...dims.dags {
                let id: String = "peer_\(shape.name)_\(variant.suffix)" + (dims.dags > 1 ? "_\(i)" : "")
                let size = dims.size
                let isolation = variant.isolation
                entries.append(LazyDAG(id) { peerDAG(id, shape, size: size, isolation) })
            }
        }
    }
    return entries
}

private func peerDAG(_ id: String, _ shape: PeerShape, size: Int, _ isolation: Isolation) -> DAG {
    DAG(id, description: "Peer benchmark \(shape.name): \(shape.kind) of \(size) \(shape.body) tasks",
        tags: ["bench", "peers"], maxActiveTasks: 1024, defaults: TaskDefaults(isolation: isolation)) { d in
        let body = peerBody(shape.body)
        switch shape.kind {
        case .fanout:
            chain(d.task("root", body), (1...size).map { d.task("t\($0)", body) }, d.task("join", body))
        case .chain:
            var previous = d.task("c1", body)
            for i in stride(from: 2, through: size, by: 1) {
                let next = d.task("c\(i)", body)
                previous >> next
                previous = next
            }
        case .burst:
            for i in 1...size { d.task("b\(i)", body) }
        }
    }
}

/// Every body logs the wall clock as it starts and ends (`peer-body <start> <end>`, Unix seconds): bench/peers'
/// orch driver takes a task's start and end from there, as Prefect and Dagster record theirs from inside the task's
/// process, not from the engine's records (which write one task's end and the next one's start in one step, with
/// the same time, so a chain's hop read 0).
private func peerBody(_ body: PeerShape.Body) -> @Sendable (TaskContext) async throws -> Void {
    let work: @Sendable () async throws -> Void
    switch body {
    case .noop: work = {}
    case .cpu: work = { spinThreadCPU(seconds: 0.010) }
    case .sleep: work = { try await Task.sleep(nanoseconds: 1_000_000_000) }
    }
    return { ctx in
        let start = Date().timeIntervalSince1970
        try await work()
        // Swift's own Double printing (shortest digits that read back exactly), not `String(format:)`: Foundation's
        // formatter cost a forked no-op attempt about a tenth of its CPU, a cost of the measurement that the
        // Python peers' bodies do not pay (they log nothing; their drivers read the systems' own records). The
        // drivers read `\d+.\d+` either way.
        ctx.log("peer-body \(start) \(Date().timeIntervalSince1970)")
    }
}

/// Busy work until the calling thread has used `seconds` of CPU time (the same rule as the Python peers'
/// `time.thread_time()` loop), so the work is equal whatever else the machine is doing.
private func spinThreadCPU(seconds: Double) {
    func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
    let end = now() + seconds
    var x: UInt64 = 1
    while now() < end {
        for _ in 0..<1000 { x = x &* 6364136223846793005 &+ 1442695040888963407 }
    }
    if x == 0 { print("unreachable") }
}
