#if canImport(Glibc)
import Glibc
#endif
import Foundation
import OrchCore
import OrchSDK

/// Two lazily built DAGs (`OrchBundle.main(lazy:)`) whose tasks log how often each lazy DAG was built in their
/// process, counting the builds of the process it was forked from: a bundle's fork server and task host must build
/// only the DAGs of the attempts they run, each once, and a forked attempt must inherit its DAG from the server.
/// With ORCH_TEST_LAZY_MISMATCH set, one more whose closure builds a DAG with another id (`describe` must refuse).
let lazyTestDAGs: [LazyDAG] = ["test_lazy_one", "test_lazy_two"].map { id in
    LazyDAG(id) {
        LazyBuilds.record(id)
        return lazyTestDAG(id)
    }
} + (ProcessInfo.processInfo.environment["ORCH_TEST_LAZY_MISMATCH"] == nil ? [] : [
    LazyDAG("test_lazy_declared") { lazyTestDAG("test_lazy_built") },
])

private func lazyTestDAG(_ id: String) -> DAG {
    DAG(id, description: "Built only when an attempt of it runs", tags: ["test"]) { d in
        let first = d.task("forked") { ctx in ctx.log("lazy builds in process \(getpid()): \(LazyBuilds.summary)") }
        let second = d.task("forked_again") { ctx in ctx.log("lazy builds in process \(getpid()): \(LazyBuilds.summary)") }
        first >> second
        d.task("hosted", isolation: .inProcess) { ctx in ctx.log("lazy builds in the task host: \(LazyBuilds.summary)") }
    }
}

/// How often each lazy test DAG was built in this process (and in the one it was forked from).
enum LazyBuilds {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var counts: [String: Int] = [:]

    static func record(_ id: String) { lock.withLock { counts[id, default: 0] += 1 } }

    /// "test_lazy_one=1 test_lazy_two=1", sorted; "none" when nothing was built.
    static var summary: String {
        lock.withLock { counts.isEmpty ? "none" : counts.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ") }
    }
}
