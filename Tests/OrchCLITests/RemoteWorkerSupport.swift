#if canImport(Glibc)
import Glibc
#endif
import Foundation
import OrchSQLite
import Testing

/// Three "hosts" on loopback for the remote-worker tests (issue 19): `orch serve` in the sandbox's home, and workers
/// with homes of their own that talk to it over HTTP only (they get the server's URL and a worker token, nothing
/// else: no database, no shared folder).
final class RemoteCluster: @unchecked Sendable {
    let sandbox: OrchSandbox
    private(set) var server: RunningOrch
    let url: String
    let leaseTimeout: Double
    private(set) var workers: [String: RunningOrch] = [:]
    /// `orch serve`'s arguments but the port, and its environment.
    private let serveArguments: [String]
    private let serveEnvironment: [String: String]

    /// `stateDSN`: the server keeps its state in that PostgreSQL database (the workers never see it).
    /// `localQueues`: the queues the server's own pool serves (`--queues`; default `default`), every other queue
    /// goes to the workers. `serverEnvironment`: variables added to the server's.
    init(leaseTimeout: Double, stateDSN: String? = nil, localQueues: String? = nil,
         serverEnvironment: [String: String] = [:]) throws {
        sandbox = try OrchSandbox()
        if let stateDSN { sandbox.extraEnvironment["ORCH_STATE_DSN"] = stateDSN }
        self.leaseTimeout = leaseTimeout
        serveArguments = ["--slots", "2"] + (localQueues.map { ["--queues", $0] } ?? [])
        serveEnvironment = serverEnvironment.merging(["ORCH_LEASE_TIMEOUT": String(leaseTimeout),
                                                      "ORCH_LOAD_EXAMPLES": "false"]) { $1 }
        let sandbox = self.sandbox
        let server = try sandbox.start(["serve", "--port", "0"] + serveArguments,
                                       environment: serveEnvironment)
        self.server = server
        var found: String?
        _ = sandbox.waitFor(60) {
            found = server.webServerURL
            return found != nil
        }
        guard let found else {
            server.stop(SIGTERM)
            throw ClusterError("orch serve did not start: \(server.stderr.suffix(2000))") }
        url = found
    }

    /// Stops the server (SIGTERM) and starts it again on the same port and home; returns once it answers.
    func restartServer(downFor seconds: Double = 1) throws {
        server.stop(SIGTERM)
        usleep(UInt32(seconds * 1_000_000))
        let port = String(url.split(separator: ":").last ?? "0")
        server = try sandbox.start(["serve", "--port", port] + serveArguments,
                                   environment: serveEnvironment)
        let restarted = server
        guard sandbox.waitFor(60, { restarted.stderr.contains("web server on http://127.0.0.1:\(port)/") }) else {
            throw ClusterError("orch serve did not start again: \(restarted.stderr.suffix(2000))")
        }
    }

    /// Starts `orch worker` named `name` with a token of its own and a home of its own, serving `queue`;
    /// `environment`: what the worker's host gives its tasks (the DAG names the variables it may see).
    @discardableResult
    func startWorker(_ name: String, slots: Int = 2, queue: String = "remote",
                     environment: [String: String] = [:]) throws -> RunningOrch {
        let token = try sandbox.run("tokens", "create", "--role", "worker", "--name", name).stdout
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("orch-worker-\(name)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        let w = try sandbox.start(["worker", "--server", url, "--token", token, "--queue", queue,
                                   "--slots", String(slots), "--home", home.path],
                                  environment: environment.merging(["ORCH_HOME": home.path, "ORCH_BUNDLES": "",
                                                                    "ORCH_STATE_DSN": ""]) { $1 })
        workers[name] = w
        return w
    }

    func homeOf(_ worker: RunningOrch) -> String? {
        guard let args = try? String(contentsOfFile: "/proc/\(worker.pid)/cmdline", encoding: .utf8) else { return nil }
        let parts = args.split(separator: "\0").map(String.init)
        return parts.firstIndex(of: "--home").map { parts[$0 + 1] }
    }

    /// The worker name (`host:pid`) the server records for `w`.
    func serverName(of w: RunningOrch) -> String { "\(ProcessInfo.processInfo.hostName):\(w.pid)" }

    func trigger(_ dag: String) throws {
        let r = try sandbox.run("trigger", dag)
        guard r.status == 0 else { throw ClusterError("trigger \(dag): \(r.output)") }
    }

    func db() throws -> SQLiteConnection { try sandbox.database() }

    /// The run's state once it finished (nil after `seconds`).
    func waitForRun(_ dag: String, seconds: Double = 90) throws -> String? {
        var state: String?
        _ = try sandbox.waitFor(seconds) {
            state = try db().queryOne("SELECT state FROM dag_run WHERE dag_id = ? ORDER BY id DESC LIMIT 1", [dag])?["state"].string
            return state == "success" || state == "failed"
        }
        return state
    }

    /// The remote_attempt rows of a DAG: (try, state, worker, acknowledged).
    func remoteRows(_ dag: String) throws -> [(tryNumber: Int, state: String, worker: String, acknowledged: Bool)] {
        try db().query("SELECT try_number, state, worker, heartbeat_at FROM remote_attempt WHERE dag_id = ? ORDER BY attempt_id", [dag])
            .map { ($0["try_number"].int ?? 0, $0["state"].string ?? "", $0["worker"].string ?? "", $0["heartbeat_at"].double != nil) }
    }

    func stopAll() {
        for w in workers.values {
            let family = descendants(of: w.pid)
            w.stop(SIGKILL)
            for p in family { kill(p, SIGKILL) }
        }
        server.stop(SIGTERM)
        for w in workers.values { if let h = homeOf(w) { try? FileManager.default.removeItem(atPath: h) } }
        sandbox.cleanup()
    }
}

struct ClusterError: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}

/// Every process descended from `pid` (its fork server, the attempts' processes), read from /proc.
func descendants(of pid: Int32) -> [Int32] {
    var children: [Int32: [Int32]] = [:]
    let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
    for e in entries {
        // /proc files report size 0: read them to their end rather than by their size.
        guard let p = Int32(e), let handle = FileHandle(forReadingAtPath: "/proc/\(e)/stat") else { continue }
        let stat = String(decoding: handle.readDataToEndOfFile(), as: UTF8.self)
        try? handle.close()
        guard let close = stat.range(of: ")", options: .backwards) else { continue }
        let fields = stat[close.upperBound...].split(separator: " ")
        if fields.count > 1, let parent = Int32(fields[1]) { children[parent, default: []].append(p) }
    }
    var out: [Int32] = []
    var queue = [pid]
    while let p = queue.popLast() {
        for c in children[p] ?? [] { out.append(c); queue.append(c) }
    }
    return out
}
