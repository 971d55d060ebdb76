import Foundation

/// The folder holding orch's state: `orch.db`, `logs/`, `data/`, the API token, the wake socket.
/// `ORCH_HOME`, default `./.orch`.
public struct OrchHome: Sendable {
    public let root: URL

    public init(path: String) {
        root = URL(fileURLWithPath: path, isDirectory: true).standardizedFileURL
    }

    /// From ORCH_HOME, else `./.orch`.
    public static func fromEnvironment() -> OrchHome {
        let env = ProcessInfo.processInfo.environment["ORCH_HOME"]
        return OrchHome(path: (env?.isEmpty == false ? env! : ".orch"))
    }

    public var databasePath: String { root.appendingPathComponent("orch.db").path }
    public var logsDirectory: URL { root.appendingPathComponent("logs", isDirectory: true) }
    public var dataDirectory: URL { root.appendingPathComponent("data", isDirectory: true) }
    public var wakeSocketPath: String { root.appendingPathComponent("scheduler.sock").path }
    public var tokenPath: String { root.appendingPathComponent("api-token").path }
    public var configPath: String { root.appendingPathComponent("orch.json").path }

    /// `logs/<dag>/<run>/<task>/<try>.log` (ids are validated, and run ids are sanitised, so no path escapes).
    public func attemptLogPath(dagId: String, runId: String, taskId: String, tryNumber: Int) -> URL {
        logsDirectory.appendingPathComponent(safeComponent(dagId))
            .appendingPathComponent(safeComponent(runId))
            .appendingPathComponent(safeComponent(taskId))
            .appendingPathComponent("\(tryNumber).log")
    }

    /// Creates the home folder and its subfolders.
    public func prepare() throws {
        for dir in [root, logsDirectory, dataDirectory] {
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        }
    }
}

/// A path component that cannot leave its folder: `/`, NUL and leading dots replaced.
public func safeComponent(_ s: String) -> String {
    var out = String(s.map { c -> Character in
        (c == "/" || c == "\\" || c == "\0" || c == ":") ? "_" : c
    })
    while out.hasPrefix(".") { out = "_" + out.dropFirst() }
    return out.isEmpty ? "_" : out
}
