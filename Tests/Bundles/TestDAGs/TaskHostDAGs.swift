#if canImport(Glibc)
import Glibc
#endif
import Foundation
import OrchCore

/// In-process tasks of a bundle, run in its task host: XCom between them, a variable the DAG asked for, and
/// output on stdout (which must not reach the host's protocol).
let taskHostDAG = DAG("test_task_host", description: "In-process tasks in the bundle's task host",
                      tags: ["test"], environment: ["ORCH_TEST_HOST_VAR"], defaults: TaskDefaults(isolation: .inProcess)) { d in
    let produce = d.task("produce") { ctx in
        print("printed to stdout by produce")
        ctx.log("process \(getpid())")
        try ctx.push("n", .number(21))
    }
    let double = d.task("double") { ctx in
        let n = try ctx.pull(from: "produce", key: "n")?.intValue ?? 0
        try ctx.push("n", .number(Double(n * 2)))
        ctx.log("doubled to \(n * 2)")
        ctx.log("process \(getpid())")
    }
    let variable = d.task("variable") { ctx in
        ctx.log("ORCH_TEST_HOST_VAR=\(ProcessInfo.processInfo.environment["ORCH_TEST_HOST_VAR"] ?? "unset")")
        ctx.log("process \(getpid())")
    }
    let skipped = d.task("skipped") { _ in throw TaskSkip("nothing to do") }
    let silent = d.task("silent") { _ in }   // logs nothing: its log file is made all the same, as a forked one's
    produce >> double
    _ = (variable, skipped, silent)
}

/// A hosted task past its timeout is stopped (its Swift task cancelled) and the retry runs in the same host.
let taskHostTimeout = DAG("test_task_host_timeout", description: "A hosted task stopped at its timeout",
                          tags: ["test"], defaults: TaskDefaults(isolation: .inProcess)) { d in
    d.task("slow", retries: 1, retryDelay: 0.1, timeout: 1) { ctx in
        if ctx.tryNumber == 1 { try await Task.sleep(nanoseconds: 30_000_000_000) }
        ctx.log("second try is quick")
    }
}

/// A hosted task that brings its host down: it ends as crashed, and its retry gets a new host.
let taskHostCrash = DAG("test_task_host_crash", description: "A hosted task that kills its host",
                        tags: ["test"], defaults: TaskDefaults(isolation: .inProcess)) { d in
    d.task("crash", retries: 1, retryDelay: 0.1) { ctx in
        ctx.log("process \(getpid())")
        if ctx.tryNumber == 1 { abort() }
    }
}
