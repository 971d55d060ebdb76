#if canImport(Glibc)
import Glibc
#endif
import OrchCore

/// Out of memory under an address-space limit on the first try, retried and fine on the second: a shell task
/// (Python's MemoryError, exit 1) and a Swift task (the allocator fails and the runtime aborts the process).
let reliabilityOOM = DAG("reliability_oom", description: "Task processes running out of memory (rlimit), then retried",
                         tags: ["reliability"], defaults: TaskDefaults(retries: 1, retryDelay: 0.1)) { d in
    d.shell("oom_shell", """
        if [ "$ORCH_TRY_NUMBER" = 1 ]; then ulimit -v 200000; fi
        python3 -c 'x = bytearray(10**9); print("allocated", len(x))'
        """)
    d.task("oom_swift") { ctx in
        if ctx.tryNumber == 1 {
            ctx.log("limiting the address space to 256 MiB, then allocating 1 GiB")
            var limit = rlimit(rlim_cur: 256 << 20, rlim_max: 256 << 20)
            setrlimit(Int32(RLIMIT_AS.rawValue), &limit)
            let big = [UInt8](repeating: 1, count: 1 << 30)
            ctx.log("allocated \(big.count) bytes")
        }
        ctx.log("second try has no limit")
    }
}

/// A task writing about 4 MiB to its log: fills a small log disk.
let reliabilityChatty = DAG("reliability_chatty", description: "A task whose log output fills a small disk",
                            tags: ["reliability"], defaults: TaskDefaults(retries: 1, retryDelay: 0.1)) { d in
    let chatty = d.shell("chatty", "yes 0123456789012345678901234567890123456789012345678901234567890123456789 | head -c 4000000")
    let after = d.task("after", triggerRule: .allDone) { ctx in ctx.log("after the chatty task") }
    chatty >> after
}

/// A light daily DAG for the retention soak: in-process tasks with XComs, weeks of runs in seconds.
let reliabilityDaily = DAG("reliability_daily", description: "Light daily runs for the retention soak",
                           tags: ["reliability"], schedule: "@daily", startDate: .utc(2020, 1, 1), catchup: false,
                           maxActiveRuns: 16) { d in
    let a = d.task("extract", isolation: .inProcess) { ctx in try ctx.push("rows", .number(Double(ctx.ds.count))) }
    let b = d.task("transform", isolation: .inProcess) { ctx in
        let rows = try ctx.pull(from: "extract")?.intValue ?? 0
        ctx.log("transforming \(rows) rows for \(ctx.ds)")
        try ctx.push("rows", .number(Double(rows * 2)))
    }
    let c = d.task("load", isolation: .inProcess) { ctx in ctx.log("loaded \(ctx.ds)") }
    chain(a, b, c)
}

/// A chain of 20 process tasks of 100 ms each (about 2 s with its hops): long enough for a test to find it with
/// a task running and some done, whatever the machine (a chain of no-ops ends between two polls of 50 ms).
let reliabilitySlowChain = DAG("reliability_slow_chain", description: "20 process tasks of 100 ms in a chain",
                               tags: ["reliability"]) { d in
    var previous: TaskRef?
    for i in 1...20 {
        let t = d.task("c\(i)") { ctx in
            usleep(100_000)
            ctx.log("c\(i) done")
        }
        if let previous { previous >> t }
        previous = t
    }
}
