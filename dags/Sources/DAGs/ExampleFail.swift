import OrchCore

/// A run that fails every time: `check` exits 1 with no retries, so `publish` is upstream_failed and the run
/// fails. For trying clear, alerts and the failed-run views (the Airflow-client tests clear it).
let exampleFail = DAG("example_fail", description: "A check that always fails, so the run fails",
                      tags: ["example"]) { d in
    let check = d.shell("check", "echo 'row count is 0, expected more' >&2; exit 1", retries: 0)
    let publish = d.task("publish") { ctx in ctx.log("never runs: check failed") }
    check >> publish
}
