#if canImport(Glibc)
import Glibc
#endif
import Foundation
import OrchCore

/// A process task and an in-process task, each running for 3 s: longer than the helper idle time the retirement
/// tests set (1 s), so a fork server or task host stopped while an attempt of it runs would show: the hosted attempt
/// would end with its host, and the quick process task after the slow one would need a second fork server.
let helperIdleDAG = DAG("test_helper_idle", description: "Helpers busy for longer than their idle time",
                        tags: ["test"]) { d in
    let forked = d.task("forked") { ctx in
        usleep(3_000_000)
        ctx.log("forked task done in process \(getpid())")
    }
    let after = d.task("after") { ctx in ctx.log("after the forked task, in process \(getpid())") }
    forked >> after
    d.task("hosted", isolation: .inProcess) { ctx in
        try await Task.sleep(nanoseconds: 3_000_000_000)
        ctx.log("hosted task done in process \(getpid())")
    }
}
