#if canImport(Glibc)
import Glibc
#endif
import Foundation
import OrchSQLite
import Testing

/// The repository root, found from this file.
let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

/// The `orch` binary under test: $ORCH_BIN, else `<repo>/.build/debug/orch`. Tests never build it:
/// run `swift build --product orch` before `swift test`.
let orchBinary: String = {
    if let env = ProcessInfo.processInfo.environment["ORCH_BIN"], !env.isEmpty {
        return env.hasPrefix("/") ? env : repoRoot.appendingPathComponent(env).path
    }
    return repoRoot.appendingPathComponent(".build/debug/orch").path
}()

/// The bundles the CLI tests load: this repository's dags/ bundle (shopstream_daily and the examples) and the test
/// and benchmark bundles, as built beside the `orch` binary (`orch-dags`, `orch-test-dags`, `orch-bench-dags`);
/// $ORCH_BUNDLES when set.
let testBundles: String = {
    if let env = ProcessInfo.processInfo.environment["ORCH_BUNDLES"], !env.isEmpty { return env }
    let dir = (orchBinary as NSString).deletingLastPathComponent
    return ["orch-dags", "orch-test-dags", "orch-bench-dags"].map { (dir as NSString).appendingPathComponent($0) }.joined(separator: ":")
}()

/// The manifest the first test bundle prints for `describe`, as JSON objects, and its DAG `dagId` (tests make
/// script bundles from it: a DAG under another id, with a cycle, with other tasks).
func testBundleManifest(dag dagId: String) throws -> (manifest: [String: Any], dag: [String: Any]) {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: String(testBundles.split(separator: ":")[0]))
    p.arguments = ["describe"]
    let out = Pipe()
    p.standardOutput = out
    try p.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    guard let manifest = try JSONSerialization.jsonObject(with: data) as? [String: Any],
          let dag = (manifest["dags"] as? [[String: Any]])?.first(where: { $0["id"] as? String == dagId }) else {
        throw ManifestShapeError(message: "the test bundle's manifest has no DAG \(dagId)")
    }
    return (manifest, dag)
}

struct ManifestShapeError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}

struct OrchBinaryMissing: Error, CustomStringConvertible {
    var description: String {
        "no orch binary at \(orchBinary); run `swift build --product orch` first (or set ORCH_BIN)"
    }
}

/// What a finished `orch` command printed and how it exited.
struct CommandResult {
    let status: Int32
    let stdout: String
    let stderr: String
    var output: String { stdout + stderr }
}

/// A temporary ORCH_HOME and the `orch` binary run against it as a child process.
final class OrchSandbox: @unchecked Sendable {
    let home: URL
    /// Variables every command of this sandbox gets on top of the usual ones (`ORCH_STATE_DSN`, for one).
    var extraEnvironment: [String: String] = [:]

    init() throws {
        guard FileManager.default.isExecutableFile(atPath: orchBinary) else { throw OrchBinaryMissing() }
        home = FileManager.default.temporaryDirectory.appendingPathComponent("orch-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
    }

    func cleanup() { try? FileManager.default.removeItem(at: home) }

    var databasePath: String { home.appendingPathComponent("orch.db").path }

    private var environment: [String: String] {
        var env = ProcessInfo.processInfo.environment
        env["ORCH_HOME"] = home.path
        env["ORCH_WORKER_SLOTS"] = "2"
        env["ORCH_BUNDLES"] = testBundles
        env.removeValue(forKey: "ORCH_DAGS_ARE_PAUSED_AT_CREATION")
        env.removeValue(forKey: "ORCH_STATE_DSN")
        // Tests in this process set secrets in its environment for a moment (WorkerPoolHardeningTests): a command
        // started meanwhile must not inherit them (serve then took ORCH_API_TOKEN and wrote no api-token file).
        for secret in ["ORCH_API_TOKEN", "ORCH_ALERT_SECRET", "ORCH_ALERT_WEBHOOKS"] { env.removeValue(forKey: secret) }
        return env.merging(extraEnvironment) { $1 }
    }

    /// Starts `orch args…` with stdout and stderr going to files in the sandbox (`environment`: variables added;
    /// `standardError`: stderr goes there instead).
    func start(_ args: [String], environment extra: [String: String] = [:],
               standardError: FileHandle? = nil) throws -> RunningOrch {
        let id = UUID().uuidString.prefix(8)
        let out = home.appendingPathComponent("cli-\(id).out")
        let err = home.appendingPathComponent("cli-\(id).err")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: orchBinary)
        p.arguments = args
        p.environment = environment.merging(extra) { $1 }
        p.currentDirectoryURL = home
        p.standardInput = FileHandle.nullDevice
        p.standardOutput = try FileHandle(forWritingTo: out)
        p.standardError = try standardError ?? FileHandle(forWritingTo: err)
        try p.run()
        return RunningOrch(process: p, stdoutPath: out.path, stderrPath: err.path)
    }

    /// Runs `orch args…` to the end.
    @discardableResult
    func run(_ args: String...) throws -> CommandResult { try run(args) }

    func run(_ args: [String], environment extra: [String: String] = [:]) throws -> CommandResult {
        let p = try start(args, environment: extra)
        p.process.waitUntilExit()
        return p.result
    }

    /// Opens the state database read-only-ish (a normal connection; orch processes may be writing).
    func database() throws -> SQLiteConnection { try SQLiteConnection(path: databasePath) }

    /// Polls `condition` every 50 ms until it holds or `seconds` pass; returns whether it held.
    func waitFor(_ seconds: Double, _ condition: () throws -> Bool) rethrows -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try condition() { return true }
            usleep(50_000)
        }
        return try condition()
    }
}

/// An `orch` child process that may still run.
struct RunningOrch {
    let process: Process
    let stdoutPath: String
    let stderrPath: String

    var pid: Int32 { process.processIdentifier }
    var stdout: String { (try? String(contentsOfFile: stdoutPath, encoding: .utf8)) ?? "" }
    var stderr: String { (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "" }
    var result: CommandResult { CommandResult(status: process.terminationStatus, stdout: stdout, stderr: stderr) }

    /// The base URL `orch serve`/`orch webserver` logged it listens on (`http://127.0.0.1:PORT`), once it has.
    var webServerURL: String? {
        stderr.split(separator: "\n").lazy.compactMap { line -> String? in
            guard let r = line.range(of: "web server on http://127.0.0.1:") else { return nil }
            return "http://127.0.0.1:" + line[r.upperBound...].prefix { $0.isNumber }
        }.first
    }

    /// The process's children now (its bundle helpers and the attempts it started), from every thread's
    /// /proc/PID/task/TID/children.
    var childPids: [Int32] {
        let threads = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []
        return threads.flatMap {
            ((try? procFile("/proc/\(pid)/task/\($0)/children")) ?? "").split(separator: " ").compactMap { Int32($0) }
        }
    }

    /// Sends `signal` and waits for the process to end (and be reaped).
    func stop(_ signal: Int32) {
        if process.isRunning { kill(pid, signal) }
        process.waitUntilExit()
    }
}

/// Rows of one run, read straight from the database.
struct RunRows {
    let runPk: Int64
    let runId: String
    let state: String
    let tasks: [String: String]
    let attempts: [SQLiteRow]

    /// The DAG's latest run, or its run of type `runType` (the latest of them).
    init(_ db: SQLiteConnection, dagId: String, runType: String? = nil) throws {
        let run = try #require(try db.queryOne("""
            SELECT * FROM dag_run WHERE dag_id = ? AND (? IS NULL OR run_type = ?) ORDER BY id DESC LIMIT 1
            """, [dagId, runType, runType]))
        runPk = run["id"].int64 ?? 0
        runId = run["run_id"].string ?? ""
        state = run["state"].string ?? ""
        tasks = Dictionary(uniqueKeysWithValues: try db.query("SELECT task_id, state FROM task_instance WHERE run_pk = ?", [runPk])
            .map { ($0["task_id"].string ?? "", $0["state"].string ?? "") })
        attempts = try db.query("SELECT * FROM task_attempt WHERE run_pk = ? ORDER BY task_id, try_number", [runPk])
    }

    func attempts(of task: String) -> [SQLiteRow] { attempts.filter { $0["task_id"].string == task } }
}

/// The run id printed by `orch run` ("run manual__…: success").
func runId(from output: String) -> String? {
    output.split(separator: "\n").last { $0.hasPrefix("run ") }
        .map { String($0.dropFirst(4).prefix { $0 != " " }.dropLast()) }
}

/// A /proc file read to its end. `String(contentsOfFile:)` reads a procfs file once (its size reads as 0): 4 KB
/// of a process's `maps`, which runs to 10 KB and more for a Swift process.
func procFile(_ path: String) throws -> String {
    guard let handle = FileHandle(forReadingAtPath: path) else {
        throw CocoaError(.fileReadNoSuchFile, userInfo: [NSFilePathErrorKey: path])
    }
    defer { try? handle.close() }
    return String(decoding: try handle.readToEnd() ?? Data(), as: UTF8.self)
}

/// Whether process `pid` holds a listening TCP socket: its descriptors' socket inodes against the LISTEN rows
/// (state 0A) of /proc/net/tcp and tcp6.
func holdsListeningSocket(_ pid: Int32) -> Bool {
    let fdDirectory = "/proc/\(pid)/fd"
    let inodes = Set(((try? FileManager.default.contentsOfDirectory(atPath: fdDirectory)) ?? []).compactMap { fd -> String? in
        guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: fdDirectory + "/" + fd),
              target.hasPrefix("socket:[") else { return nil }
        return String(target.dropFirst("socket:[".count).dropLast())
    })
    let rows = ((try? procFile("/proc/net/tcp")) ?? "") + ((try? procFile("/proc/net/tcp6")) ?? "")
    return rows.split(separator: "\n").contains { line in
        let columns = line.split(separator: " ")
        return columns.count > 9 && columns[3] == "0A" && inodes.contains(String(columns[9]))
    }
}

/// The test bundle (orch-test-dags) behind a script that appends the command it is started with to a file, then
/// runs it: a test reads which helpers started, and how often. Use `path` as ORCH_BUNDLES.
struct LoggingBundle {
    let path: String
    private let calls: String

    private let releases: String
    private let slowFlag: String

    /// `slowHelper`: a helper command (`__fork-server`, `__task-host`) whose start waits `delay` seconds before the
    /// bundle runs (a slow helper start), from the first start on or only after ``startSlowing()``; the wall-clock
    /// time each such start then goes on at is appended to a file (``slowStartReleases``).
    init(in s: OrchSandbox, slowHelper: String? = nil, delay: Int = 5, slowFromTheStart: Bool = true) throws {
        calls = s.home.appendingPathComponent("bundle-calls.log").path
        releases = s.home.appendingPathComponent("slow-start-releases.log").path
        slowFlag = s.home.appendingPathComponent("slow-starts").path
        path = s.home.appendingPathComponent("logging-bundle").path
        let real = String(testBundles.split(separator: ":")[1])   // orch-test-dags
        let slow = slowHelper.map {
            "if [ \"$1\" = \($0) ] && [ -e '\(slowFlag)' ]; then sleep \(delay); date +%s.%N >> '\(releases)'; fi\n"
        } ?? ""
        let script = "#!/bin/sh\necho \"$1\" >> '\(calls)'\n\(slow)exec '\(real)' \"$@\"\n"
        try script.write(toFile: path, atomically: true, encoding: .utf8)
        chmod(path, 0o755)
        if slowFromTheStart { startSlowing() }
    }

    /// From now on, starts of the slow helper wait.
    func startSlowing() { FileManager.default.createFile(atPath: slowFlag, contents: nil) }

    /// The helper commands (`__fork-server`, `__task-host`) it was started with since the last ``forget()``, in order.
    var helperStarts: [String] {
        ((try? String(contentsOfFile: calls, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
            .filter { $0.hasPrefix("__") }
    }

    /// When each slowed helper start went on (seconds since 1970), in order.
    var slowStartReleases: [Double] {
        ((try? String(contentsOfFile: releases, encoding: .utf8)) ?? "").split(separator: "\n").compactMap { Double($0) }
    }

    func forget() { try? FileManager.default.removeItem(atPath: calls) }
}

/// Alive, and not a zombie waiting for its reaper.
func processIsAlive(_ pid: Int32) -> Bool {
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
          let close = stat.lastIndex(of: ")") else { return false }
    let state = stat[stat.index(after: close)...].split(separator: " ").first
    return state != "Z" && state != "X"
}
