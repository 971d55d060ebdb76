#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// The folder holding orch's state: `orch.db`, `logs/`, `data/`, the API token, the wake socket.
/// `ORCH_HOME`, default `./.orch`.
public struct OrchHome: Sendable {
    public let root: URL
    /// `root.path`, kept: paths under the home are built for every attempt.
    public let rootPath: String

    public init(path: String) {
        root = URL(fileURLWithPath: path, isDirectory: true).standardizedFileURL
        rootPath = root.path
    }

    /// From ORCH_HOME, else `./.orch`.
    public static func fromEnvironment() -> OrchHome {
        let env = ProcessInfo.processInfo.environment["ORCH_HOME"]
        return OrchHome(path: (env?.isEmpty == false ? env! : ".orch"))
    }

    public var databasePath: String { root.appendingPathComponent("orch.db").path }
    /// The state database: PostgreSQL when `ORCH_STATE_DSN` is set, else the SQLite file ``databasePath``.
    public func stateLocation(_ env: [String: String] = ProcessInfo.processInfo.environment) throws -> StateLocation {
        try StateLocation.fromEnvironment(env, defaultPath: databasePath)
    }
    public var logsDirectory: URL { root.appendingPathComponent("logs", isDirectory: true) }
    public var dataDirectory: URL { root.appendingPathComponent("data", isDirectory: true) }
    public var wakeSocketPath: String { root.appendingPathComponent("scheduler.sock").path }
    public var tokenPath: String { root.appendingPathComponent("api-token").path }
    public var configPath: String { root.appendingPathComponent("orch.json").path }

    /// `logs/<dag>/<run>/<task>.<try>.log`, each id written with `pathComponent` (injective: two different
    /// runs never share a folder, and no id leaves its folder; the try is the digits after the name's last dot, so
    /// two attempts never share a file). One folder per run, not one per task as well: on this machine's ext4 a new
    /// folder and the first file in it cost ~0.7 ms each, on every attempt's path to its first log line. Logs of
    /// older versions (`<run>/<task>/<try>.log`, and run folders that mapped `:`, `\`, `/` and a leading `.` to `_`)
    /// stay where they are: every attempt row keeps its log's path, and readers use that path.
    public func attemptLogPath(dagId: String, runId: String, taskId: String, tryNumber: Int) -> URL {
        URL(fileURLWithPath: attemptLogFile(dagId: dagId, runId: runId, taskId: taskId, tryNumber: tryNumber),
            isDirectory: false)
    }

    /// ``attemptLogPath(dagId:runId:taskId:tryNumber:)`` as a path, joined as text (the engine's hot path: URL
    /// building looks at the file system).
    public func attemptLogFile(dagId: String, runId: String, taskId: String, tryNumber: Int) -> String {
        let root = rootPath.hasSuffix("/") ? String(rootPath.dropLast()) : rootPath
        return root + "/logs/" + pathComponent(dagId) + "/" + pathComponent(runId) + "/" + pathComponent(taskId)
            + "." + String(tryNumber) + ".log"
    }

    /// `logs/<dag>/<run>`: the folder holding every log of one run.
    public func runLogsDirectory(dagId: String, runId: String) -> URL {
        logsDirectory.appendingPathComponent(pathComponent(dagId)).appendingPathComponent(pathComponent(runId))
    }

    /// Creates the home folder and its subfolders, private to the user (0700), and makes the database files and
    /// the API token private (0600) when a home made by an older version left them readable by others.
    /// (`orch` also runs with umask 077, so every file it or its tasks create under the home is private.)
    public func prepare() throws {
        for dir in [root, logsDirectory, dataDirectory] {
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            Self.restrict(dir.path, to: 0o700)
        }
        for file in [databasePath, databasePath + "-wal", databasePath + "-shm", tokenPath] {
            Self.restrict(file, to: 0o600)
        }
    }

    /// Removes permission bits beyond `mode` from an existing file or folder of ours.
    static func restrict(_ path: String, to mode: mode_t) {
        var st = stat()
        guard stat(path, &st) == 0, st.st_uid == getuid(), st.st_mode & 0o777 & ~mode != 0 else { return }
        chmod(path, st.st_mode & 0o777 & mode)
    }
}

/// A file name for an id, one-to-one: ASCII letters, digits and `-_+.:=@,` are kept, every other byte (and a
/// leading `.`) is written `%XX`, so `r:1`, `r_1`, `..` and `_.` get four different names, `/` and NUL never
/// appear, and the result is never `.` or `..`. The empty id is `%`.
public func pathComponent(_ s: String) -> String {
    if s.isEmpty { return "%" }
    func kept(_ byte: UInt8, first: Bool) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
             UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "+"), UInt8(ascii: ":"), UInt8(ascii: "="),
             UInt8(ascii: "@"), UInt8(ascii: ","): return true
        case UInt8(ascii: "."): return !first
        default: return false
        }
    }
    // Ids are nearly always kept as they are: the engine names every attempt's log folder with them.
    if s.utf8.enumerated().allSatisfy({ kept($1, first: $0 == 0) }) { return s }
    let hex = Array("0123456789ABCDEF".utf8)
    var out: [UInt8] = []
    out.reserveCapacity(s.utf8.count * 3)
    for (i, byte) in s.utf8.enumerated() {
        if kept(byte, first: i == 0) { out.append(byte) } else { out += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0xF)]] }
    }
    return String(decoding: out, as: UTF8.self)
}
