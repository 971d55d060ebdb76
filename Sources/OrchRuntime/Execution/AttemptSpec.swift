#if canImport(Glibc)
import Glibc
#endif
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
    /// Variables from the scheduler's environment that the DAG asked for (`DAG.environment`); the attempt's
    /// process sets them for its task. Nothing else of the scheduler's environment reaches a task.
    public var environment: [String: String]
    /// The names the DAG asked for, as it declared them (`DAG.environment`: names and `PREFIX*` patterns). A remote
    /// worker resolves them against its own environment (issue 19): a worker host may set variables, such as a
    /// warehouse connection, that the scheduler's host does not have. nil in specs from before it existed.
    public var requestedEnvironment: [String]?
    /// Seconds the attempt's process gives its task's processes between SIGTERM and SIGKILL (nil: 5).
    public var killGrace: Double?
    /// The DAG version of the run (issue 13): the attempt runs on that version's bundle executable.
    public var dagVersion: String?
    /// Set on a remote worker (issue 19): the task's XCom goes to the server's worker API with the lease's fencing
    /// token instead of to a state database (which the worker's machine does not have).
    public var remoteXCom: RemoteXComEndpoint?
    /// Set by a local pool (issue 13): the task's XCom goes over the pool's Unix socket with this grant, and the
    /// spec carries no database path (task code never touches the state database).
    public var localXCom: LocalXComEndpoint?

    /// How this attempt's task reaches XCom in its process: its worker's server, its pool's socket, or (a spec
    /// from an older orch) the state database.
    public func xcomAccess() -> XComAccess {
        if let remoteXCom { return HTTPXCom(remoteXCom) }
        if let localXCom { return SocketXCom(localXCom, runPk: runPk) }
        return StoreXCom(runPk: runPk, databasePath: databasePath)
    }

    /// `<task>.<try>.lock` beside `<task>.<try>.log` (only the extension changes). The attempt's process holds an
    /// exclusive flock on it for its whole life, and writes its result into it just before exiting: one small file
    /// per attempt instead of three, and the result is read only once the lock is free.
    public var lockPath: String { fileStem + ".lock" }
    /// The log's path without its extension: `…/<task>.<try>` (text only: NSString's path methods cost a bridge per
    /// call, and the engine asks for this at every launch).
    public var fileStem: String {
        let name = logPath.lastIndex(of: "/").map { logPath.index(after: $0) } ?? logPath.startIndex
        guard let dot = logPath[name...].lastIndex(of: "."), dot > name else { return logPath }
        return String(logPath[..<dot])
    }
    /// Where the attempt's result is written: the lock file.
    public var resultPath: String { lockPath }

    public init(dagId: String, taskId: String, runId: String, runPk: Int64, tryNumber: Int, logicalDate: Date,
                dataInterval: DataInterval, params: [String: JSONValue], logPath: String, home: String,
                databasePath: String, environment: [String: String] = [:], requestedEnvironment: [String]? = nil,
                killGrace: Double? = nil, dagVersion: String? = nil) {
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
        self.environment = environment
        self.requestedEnvironment = requestedEnvironment
        self.killGrace = killGrace
        self.dagVersion = dagVersion
    }

    /// The environment variable a child reads its spec from.
    public static let environmentKey = "ORCH_ATTEMPT_SPEC"
    /// A spec longer than this many bytes (large params) goes through a file named by ORCH_ATTEMPT_SPEC_FILE
    /// instead: one environment variable may not exceed 128 KiB (MAX_ARG_STRLEN).
    public static let environmentLimit = 65_536
    public static let fileEnvironmentKey = "ORCH_ATTEMPT_SPEC_FILE"
    /// `<try>.spec.json` beside the log (0600; the attempt's process reads and removes it).
    public var specFilePath: String { fileStem + ".spec.json" }

    /// The spec this process was started with: from ORCH_ATTEMPT_SPEC, or read (and removed) from the file
    /// ORCH_ATTEMPT_SPEC_FILE names. Nil when neither is set.
    public static func fromEnvironment(_ env: [String: String] = ProcessInfo.processInfo.environment) throws -> AttemptSpec? {
        if let text = env[environmentKey] { return try decode(text) }
        guard let file = env[fileEnvironmentKey] else { return nil }
        let text = try String(contentsOfFile: file, encoding: .utf8)
        unlink(file)
        return try decode(text)
    }

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

    /// Replaces the file's content. Readers read it only after the writing process is gone (its lock is free),
    /// and a half-written result fails to decode, which reads as "no result".
    public func write(to path: String) throws {
        // A success is written as its constant JSON: a forked child's first JSONEncoder instantiates its generic
        // metadata afresh (10 % of a forked no-op attempt's CPU, perf).
        let data = self == Self.success ? Data(Self.successJSON.utf8) : try JSONEncoder().encode(self)
        // No O_TRUNC: the file is the attempt's lock file, which the fork server created empty, and on ext4 an
        // empty file truncated at open starts its writeback at close (auto_da_alloc), ~40 µs of every forked
        // attempt. A file that held a longer result is cut to the new one's length after the write.
        let fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path]) }
        defer { close(fd) }
        let written = data.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
        guard written == data.count else { throw CocoaError(.fileWriteOutOfSpace, userInfo: [NSFilePathErrorKey: path]) }
        var status = stat()
        guard fstat(fd, &status) == 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path]) }
        if status.st_size > off_t(data.count), ftruncate(fd, off_t(data.count)) != 0 {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
        }
    }

    /// The common result, and its JSON as `JSONEncoder` writes it (a test holds them equal).
    public static let success = AttemptResultFile(status: .success, error: nil)
    public static let successJSON = #"{"status":"success"}"#

    public static func read(from path: String) -> AttemptResultFile? {
        guard let data = FileManager.default.contents(atPath: path), !data.isEmpty else { return nil }
        if data.elementsEqual(successJSON.utf8) { return .success }   // the common result, without a decoder
        return try? JSONDecoder().decode(AttemptResultFile.self, from: data)
    }

    /// Exit codes of `orch tasks run`: 0 success, 1 failure, 99 skipped.
    public static let skipExitCode: Int32 = 99
}
