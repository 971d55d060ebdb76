#if canImport(Glibc)
import Glibc
#endif
import Foundation
import OrchCore

/// A process task whose forked child uses Swift concurrency's global executor (Dispatch's worker threads): a
/// detached task and a sleep. The fork server runs Swift concurrency once before it forks (its warm-up); had that
/// made Dispatch multi-threaded in the server, this child would hang or be stopped on its first use of Dispatch.
let forkServerDAG = DAG("test_fork_server", description: "A forked attempt on Swift concurrency's global executor",
                        tags: ["test"]) { d in
    d.task("global_executor") { ctx in
        let pid = await Task.detached { getpid() }.value
        try await Task.sleep(nanoseconds: 10_000_000)
        ctx.log("a detached task ran in process \(pid)")
    }
}
