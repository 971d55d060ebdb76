import Foundation
import OrchCore

/// A flaky task that fails on its first two tries and succeeds on the third, with exponential backoff.
let exampleRetries = DAG("example_retries", description: "A task that fails twice, then succeeds",
                         tags: ["example"], defaults: TaskDefaults(retries: 3, retryDelay: 0.2,
                                                                   exponentialBackoff: true, maxRetryDelay: 1)) { d in
    let flaky = d.task("flaky") { ctx in
        ctx.log("try \(ctx.tryNumber)")
        if ctx.tryNumber < 3 { throw ExampleError("simulated failure on try \(ctx.tryNumber)") }
        ctx.log("third time lucky")
    }
    let after = d.task("after_flaky") { ctx in ctx.log("flaky succeeded") }
    flaky >> after
}
