import Foundation
import OrchCore

/// Fan-out and fan-in: one task feeds five parallel workers whose results a join collects through XCom.
let exampleFanOut = DAG("example_fanout", description: "Fan-out to five workers, fan-in to a join",
                        tags: ["example"], schedule: "@daily", startDate: .utc(2026, 11, 1)) { d in
    let start = d.task("start") { ctx in ctx.log("splitting work for \(ctx.ds)") }
    let workers = (1...5).map { i in
        d.task("work_\(i)") { ctx in
            let value = i * i
            ctx.log("work_\(i) computed \(value)")
            try ctx.push("return_value", .number(Double(value)))
        }
    }
    let join = d.task("join") { ctx in
        var total = 0
        for i in 1...5 { total += try ctx.pull(from: "work_\(i)")?.intValue ?? 0 }
        ctx.log("sum of squares = \(total)")
        guard total == 55 else { throw ExampleError("expected 55, got \(total)") }
    }
    chain(start, workers, join)
}

struct ExampleError: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}
