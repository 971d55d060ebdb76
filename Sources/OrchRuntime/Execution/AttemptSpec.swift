import Foundation
import OrchCore

/// Everything needed to run one try of one task, in this process or a child.
public struct AttemptSpec: Sendable, Codable, Hashable {
    public var dagId: String
    public var taskId: String
    public var runId: String
    public var runPk: Int64
    public var tryNumber: Int
    public var logicalDate: Date
    public var dataInterval: DataInterval
    /// DAG params with the run's conf merged over them.
    public var params: [String: JSONValue]
    public var logPath: String
    public var home: String
    public var databasePath: String

    /// `<try>.result.json` and `<try>.lock` beside `<try>.log` (only the extension changes).
    public var resultPath: String { (logPath as NSString).deletingPathExtension + ".result.json" }
    public var lockPath: String { (logPath as NSString).deletingPathExtension + ".lock" }

    public init(dagId: String, taskId: String, runId: String, runPk: Int64, tryNumber: Int, logicalDate: Date,
                dataInterval: DataInterval, params: [String: JSONValue], logPath: String, home: String,
                databasePath: String) {
        self.dagId = dagId
        self.taskId = taskId
        self.runId = runId
        self.runPk = runPk
        self.tryNumber = tryNumber
        self.logicalDate = logicalDate
        self.dataInterval = dataInterval
        self.params = params
        self.logPath = logPath
        self.home = home
        self.databasePath = databasePath
    }

    /// The environment variable a child reads its spec from.
    public static let environmentKey = "ORCH_ATTEMPT_SPEC"

    public func encoded() -> String {
        let enc = JSONEncoder()
        enc.dateEncodingStrategy = .secondsSince1970
        return String(decoding: (try? enc.encode(self)) ?? Data(), as: UTF8.self)
    }

    public static func decode(_ text: String) throws -> AttemptSpec {
        let dec = JSONDecoder()
        dec.dateDecodingStrategy = .secondsSince1970
        return try dec.decode(AttemptSpec.self, from: Data(text.utf8))
    }
}

/// What a task process writes beside its log just before it exits: how its attempt ended.
public struct AttemptResultFile: Sendable, Codable, Equatable {
    public enum Status: String, Sendable, Codable { case success, failed, skipped }
    public var status: Status
    public var error: String?
    /// The task's own exit code (a shell command's), when it has one.
    public var exitCode: Int32?

    public init(status: Status, error: String?, exitCode: Int32? = nil) {
        self.status = status
        self.error = error
        self.exitCode = exitCode
    }

    /// Written to a temporary file and renamed, so a reader never sees half of it.
    public func write(to path: String) throws {
        let tmp = path + ".tmp"
        try JSONEncoder().encode(self).write(to: URL(fileURLWithPath: tmp))
        _ = rename(tmp, path)
    }

    public static func read(from path: String) -> AttemptResultFile? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return try? JSONDecoder().decode(AttemptResultFile.self, from: data)
    }

    /// Exit codes of `orch tasks run`: 0 success, 1 failure, 99 skipped.
    public static let skipExitCode: Int32 = 99
}
