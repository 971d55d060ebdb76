#if canImport(Glibc)
import Glibc
#endif
import Foundation
import OrchCore

/// Remote workers (issue 19): every task on the queue `remote`, which the test server's own pool does not serve.
/// `seed` pushes an XCom that the fan-out tasks pull and the join sums: XCom travels through the worker API.
let remoteFanout = DAG("remote_fanout", description: "A fan-out run by remote workers (queue 'remote')",
                       tags: ["reliability"], maxActiveTasks: 32, defaults: TaskDefaults(queue: "remote")) { d in
    let seed = d.task("seed") { ctx in try ctx.push("base", .number(100)) }
    let join = d.task("join") { ctx in
        var total = 0
        for i in 0..<8 { total += try ctx.pull(from: "fan_\(i)", key: "value")?.intValue ?? 0 }
        ctx.log("sum \(total)")
        try ctx.push("sum", .number(Double(total)))
    }
    for i in 0..<8 {
        let fan = d.task("fan_\(i)") { ctx in
            let base = try ctx.pull(from: "seed", key: "base")?.intValue ?? 0
            usleep(700_000)
            ctx.log("fan \(i) on \(ProcessInfo.processInfo.environment["ORCH_HOME"] ?? "?")")
            try ctx.push("value", .number(Double(base + i)))
        }
        seed >> fan
        fan >> join
    }
}

/// One slow task with a retry: the fault tests kill or freeze the worker running its first try.
let remoteSlow = DAG("remote_slow", description: "One slow remote task with a retry (worker fault tests)",
                     tags: ["reliability"], defaults: TaskDefaults(retries: 1, retryDelay: 0, queue: "remote")) { d in
    d.task("slow") { ctx in
        ctx.log("try \(ctx.tryNumber) begins")
        for _ in 0..<40 { usleep(100_000) }
        ctx.log("try \(ctx.tryNumber) ends")
    }
}

/// Issue 19's "200-task fan-out across both workers": 200 short tasks on the queue `remote` between a start and a
/// join; each pushes its index, and the join checks it can pull every one through the worker API.
let remoteFanout200 = DAG("remote_fanout_200", description: "200 tasks fanned out to remote workers",
                          tags: ["reliability"], maxActiveTasks: 32, defaults: TaskDefaults(queue: "remote")) { d in
    let start = d.task("start")
    let join = d.task("join") { ctx in
        var total = 0
        for i in 0..<200 { total += try ctx.pull(from: "fan_\(i)")?.intValue ?? 0 }
        guard total == 19_900 else { throw RemoteFanoutSumWrong(total: total) }
        try ctx.push("sum", .number(Double(total)))
    }
    for i in 0..<200 {
        let fan = d.task("fan_\(i)") { ctx in try ctx.push("return_value", .number(Double(i))) }
        start >> fan
        fan >> join
    }
}

struct RemoteFanoutSumWrong: Error, CustomStringConvertible {
    let total: Int
    var description: String { "the fan-out's values sum to \(total), not 19,900" }
}
