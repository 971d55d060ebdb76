import OrchCore

struct LineageLandingNotReady: Error, CustomStringConvertible {
    var description: String { "the landing folder is not complete yet" }
}

/// OpenLineage end to end (tests-lineage): assets in and out, row counts reported, a first try that fails (a FAIL
/// event, then a second START), and a shell task.
let lineageDemo = DAG("lineage_demo", description: "OpenLineage events: declared assets, a retried task, a shell task",
                      tags: ["lineage"], defaults: TaskDefaults(retries: 1, retryDelay: 0.1)) { d in
    let landing = "file://lineage/landing"
    let orders = "postgres://warehouse/silver.lineage_orders"
    let extract = d.task("extract", outlets: [landing]) { ctx in
        try ctx.materialize(landing, AssetMaterialization(rowCount: 3))
    }
    let load = d.task("load", inlets: [landing], outlets: [orders]) { ctx in
        if ctx.tryNumber == 1 { throw LineageLandingNotReady() }
        try ctx.materialize(orders, AssetMaterialization(rowsInserted: 2, rowsUpdated: 1))
    }
    let publish = d.shell("publish", "echo published", inlets: [orders], outlets: ["file://lineage/reports/summary"])
    extract >> load
    load >> publish
}
