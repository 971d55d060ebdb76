import Foundation
import OrchCore

/// Trigger rules other than all_success: a failing branch, a handler that runs only on failure
/// (one_failed), a task skipped because nothing failed (one_failed), and cleanup that always runs.
let exampleTriggerRules = DAG("example_trigger_rules", description: "one_failed, none_failed, all_done, always",
                              tags: ["example"]) { d in
    let ok = d.task("extract_ok") { ctx in ctx.log("fine") }
    let bad = d.task("extract_bad") { _ in throw ExampleError("source unavailable") }
    let onFailure = d.task("notify_on_failure", triggerRule: .oneFailed) { ctx in ctx.log("an upstream failed") }
    let okOnly = d.task("on_ok_failure_handler", triggerRule: .oneFailed) { ctx in ctx.log("never runs") }
    let load = d.task("load", triggerRule: .noneFailed) { ctx in ctx.log("never runs: an upstream failed") }
    let cleanup = d.task("cleanup", triggerRule: .always) { ctx in ctx.log("cleaning up") }
    [ok, bad] >> onFailure
    ok >> okOnly
    [ok, bad] >> load
    load >> cleanup
}
