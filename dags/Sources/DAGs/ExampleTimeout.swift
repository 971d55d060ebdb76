import Foundation
import OrchCore

/// A task that hangs past its execution timeout: the pool sends SIGTERM, then SIGKILL.
/// `report` runs anyway (trigger rule all_done).
let exampleTimeout = DAG("example_timeout", description: "A task killed by its execution timeout",
                         tags: ["example"]) { d in
    let hang = d.task("hang", retries: 0, timeout: 1) { ctx in
        ctx.log("sleeping 60 s with a 1 s timeout")
        try await Task.sleep(nanoseconds: 60_000_000_000)
    }
    let ignoresTerm = d.shell("ignores_sigterm", "trap '' TERM; echo ignoring SIGTERM; sleep 60", retries: 0, timeout: 1)
    let report = d.task("report", triggerRule: .allDone) { ctx in ctx.log("timeouts handled") }
    [hang, ignoresTerm] >> report
}
