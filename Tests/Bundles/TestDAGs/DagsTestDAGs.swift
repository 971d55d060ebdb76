import OrchCore

/// `orch dags test` end to end: an error check that fails blocks the task reading its asset, a warn check that
/// fails does not, a shell task runs with the run's logical date, and XCom passes between tasks of the one process.
let dagsTestDAG = DAG("test_dags_test", description: "orch dags test: checks, shell, XCom", tags: ["test"]) { d in
    let blocked = "file://dags_test/blocked", warned = "file://dags_test/warned"
    d.check("never_passes", on: blocked, severity: .error) { _ in AssetCheckOutcome(passed: false, details: "0 rows") }
    d.check("soft_limit", on: warned, severity: .warn) { _ in AssetCheckOutcome(passed: false, details: "over the soft limit") }
    let seed = d.task("seed") { ctx in try ctx.push("rows", .number(42)) }
    let writeBlocked = d.task("write_blocked", outlets: [blocked]) { ctx in ctx.log("wrote the blocked asset") }
    let readBlocked = d.task("read_blocked", inlets: [blocked]) { ctx in ctx.log("must not run") }
    let writeWarned = d.task("write_warned", outlets: [warned]) { ctx in ctx.log("wrote the warned asset") }
    let readWarned = d.task("read_warned", inlets: [warned]) { ctx in
        ctx.log("read \(try ctx.pull(from: "seed", key: "rows")?.intValue ?? -1) rows")
    }
    let shell = d.shell("shell", "echo \"shell sees $ORCH_LOGICAL_DATE\"")
    seed >> writeBlocked
    writeBlocked >> readBlocked
    seed >> writeWarned
    writeWarned >> readWarned
    seed >> shell
}
