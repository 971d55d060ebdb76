import Foundation
import OrchCore

/// Issue 13: XCom between a forked task process and tasks in the bundle's task host, through the scheduler's
/// socket. `gate` waits for the file named by the run's conf (`gate`), so the test can take the state
/// database away from every new connection before the XCom tasks start.
let xcomChannelDAG = DAG("test_xcom_channel", description: "XCom without the state database",
                         tags: ["test"], defaults: TaskDefaults(isolation: .process)) { d in
    let gate = d.task("gate", timeout: 120) { ctx in
        let path = ctx.params["gate"]?.stringValue ?? ""
        while !FileManager.default.fileExists(atPath: path) { try await Task.sleep(nanoseconds: 50_000_000) }
    }
    let pushProcess = d.task("push_process") { ctx in try ctx.push("return_value", .number(21)) }
    let doubleHosted = d.task("double_hosted", isolation: .inProcess) { ctx in
        let n = try ctx.pull(from: "push_process")?.intValue ?? 0
        try ctx.push("return_value", .number(Double(n * 2)))
    }
    let checkProcess = d.task("check_process") { ctx in
        let n = try ctx.pull(from: "double_hosted")?.intValue ?? 0
        guard n == 42 else { throw XComChannelCheckFailed(got: n) }
        try ctx.push("checked", .bool(true))
    }
    gate >> pushProcess
    pushProcess >> doubleHosted
    doubleHosted >> checkProcess
}

struct XComChannelCheckFailed: Error, CustomStringConvertible {
    let got: Int
    var description: String { "pulled \(got) from double_hosted, not 42" }
}
