import Foundation

/// Whether a pool runs attempts through a bundle's helpers, read from the environment in one place for the pool
/// and for the helpers `orch run` starts ahead of it (``PrestartedHelpers``): `ORCH_FORK_SERVER=0` spawns each
/// process attempt instead of forking it from a fork server; `ORCH_TASK_HOST=0` runs a bundle's `.inProcess` tasks
/// as processes instead of in its task host. Both are on by default.
public struct HelperSwitches: Sendable {
    public var forkServer: Bool
    public var taskHost: Bool

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        forkServer = environment["ORCH_FORK_SERVER"] != "0"
        taskHost = environment["ORCH_TASK_HOST"] != "0"
    }
}
