#if canImport(Glibc)
import Glibc
#endif
import Foundation
import OrchSQLite
import Testing

/// Remote workers end to end (issue 19): `orch serve` and two `orch worker` processes with separate homes, over
/// HTTP on loopback. Real child processes throughout. The lease timeout is 5 s in the fault tests (heartbeats every
/// 1.7 s) and 15 s elsewhere, so that a busy machine does not lose a lease no test means to lose.
@Suite(.serialized) struct RemoteWorkerCLITests {
    @Test func aFanOutRunsAcrossBothWorkersWithXComThroughTheAPI() throws {
        let c = try RemoteCluster(leaseTimeout: 15)
        defer { c.stopAll() }
        let a = try c.startWorker("wa")
        let b = try c.startWorker("wb")
        try c.trigger("remote_fanout")
        #expect(try c.waitForRun("remote_fanout") == "success")
        let rows = try c.remoteRows("remote_fanout")
        #expect(rows.count == 10)
        #expect(rows.allSatisfy { $0.state == "completed" })
        // Both workers ran some of it.
        #expect(Set(rows.map(\.worker)) == [c.serverName(of: a), c.serverName(of: b)])
        // XCom went through the API: the join summed what the fan-out pulled from the seed and pushed.
        let sum = try c.db().queryOne("""
            SELECT x.value FROM xcom x JOIN dag_run r ON r.id = x.run_pk
            WHERE r.dag_id = 'remote_fanout' AND x.task_id = 'join' AND x.key = 'sum'
            """)?["value"].string
        #expect(sum.flatMap(Double.init) == 828)
        // Logs were streamed to the server's home; the workers hold their own copies and no database.
        let logs = c.sandbox.home.appendingPathComponent("logs/remote_fanout")
        let serverLogs = FileManager.default.enumerator(atPath: logs.path)?.compactMap { $0 as? String }
            .filter { $0.hasSuffix(".1.log") } ?? []
        #expect(serverLogs.count == 10)
        for w in [a, b] {
            let home = try #require(c.homeOf(w))
            #expect(!FileManager.default.fileExists(atPath: home + "/orch.db"))
            #expect(((try? FileManager.default.contentsOfDirectory(atPath: home + "/worker-bundles")) ?? []).count == 1)
        }
    }

    /// 202 attempts across two workers of 2 slots each: every task once, on one worker or the other, none lost.
    @Test func aFanOutOf200TasksRunsAcrossBothWorkers() throws {
        let c = try RemoteCluster(leaseTimeout: 15)
        defer { c.stopAll() }
        let a = try c.startWorker("wa")
        let b = try c.startWorker("wb")
        let started = Date()
        try c.trigger("remote_fanout_200")
        #expect(try c.waitForRun("remote_fanout_200", seconds: 600) == "success")
        let seconds = Date().timeIntervalSince(started)
        let rows = try c.remoteRows("remote_fanout_200")
        #expect(rows.count == 202 && rows.allSatisfy { $0.state == "completed" && $0.tryNumber == 1 })
        let byWorker = Dictionary(grouping: rows, by: \.worker).mapValues(\.count)
        #expect(Set(byWorker.keys) == [c.serverName(of: a), c.serverName(of: b)], "\(byWorker)")
        let sum = try c.db().queryOne("""
            SELECT x.value FROM xcom x JOIN dag_run r ON r.id = x.run_pk
            WHERE r.dag_id = 'remote_fanout_200' AND x.task_id = 'join' AND x.key = 'sum'
            """)?["value"].string
        #expect(sum.flatMap(Double.init) == 19_900)
        print(String(format: "FIGURES remote fan-out 200: %.1f s trigger to end (debug build), attempts per worker %@",
                     seconds, byWorker.values.sorted().map(String.init).joined(separator: "/")))
    }

    @Test func anAttemptOfAWorkerKilledMidTaskIsRetriedOnTheOther() throws {
        let c = try RemoteCluster(leaseTimeout: 5)
        defer { c.stopAll() }
        let a = try c.startWorker("wa", slots: 1)
        try c.trigger("remote_slow")
        #expect(try c.sandbox.waitFor(60) { try c.remoteRows("remote_slow").first?.acknowledged == true })
        let b = try c.startWorker("wb", slots: 1)
        let family = descendants(of: a.pid)
        let killedAt = Date().timeIntervalSince1970
        a.stop(SIGKILL)
        for p in family { kill(p, SIGKILL) }
        #expect(try c.waitForRun("remote_slow") == "success")
        let rows = RunRowsOf(try c.db(), dag: "remote_slow")
        if rows.intervals.count == 2 {
            print(String(format: "FIGURES sigkill: lease lost %.2f s after the kill (timeout %.0f s), try 2 started %.2f s after",
                         rows.intervals[0].1 - killedAt, c.leaseTimeout, rows.intervals[1].0 - killedAt))
        }
        #expect(rows.tries == [1: "failed", 2: "success"])
        #expect(rows.errors[1]?.contains("lease lost: no heartbeat from its worker") == true)
        let remote = try c.remoteRows("remote_slow").filter { $0.state != "lost" || $0.tryNumber == 1 }
        #expect(remote.first { $0.tryNumber == 2 && $0.state == "completed" }?.worker == c.serverName(of: b))
        #expect(rows.noOverlap)
    }

    @Test func aWorkerFrozenPastItsLeaseHasItsLateResultRefused() throws {
        let c = try RemoteCluster(leaseTimeout: 5)
        defer { c.stopAll() }
        let a = try c.startWorker("wa", slots: 1)
        try c.trigger("remote_slow")
        #expect(try c.sandbox.waitFor(60) { try c.remoteRows("remote_slow").first?.acknowledged == true })
        _ = try c.startWorker("wb", slots: 1)
        // The worker, its bundle's fork server and the attempt's process: the whole "host" stops.
        #expect(c.sandbox.waitFor(30) { descendants(of: a.pid).count >= 2 })
        let frozen = [a.pid] + descendants(of: a.pid)
        let frozenAt = Date().timeIntervalSince1970
        for p in frozen { kill(p, SIGSTOP) }
        // The other worker runs try 2 to the end while this one is frozen past its lease.
        #expect(try c.waitForRun("remote_slow") == "success")
        for p in frozen { kill(p, SIGCONT) }
        // Resumed, the stale worker finds its fencing token refused, kills its process and reports nothing.
        #expect(c.sandbox.waitFor(20) { a.stderr.contains("refused by the server") })
        usleep(1_500_000)
        let rows = RunRowsOf(try c.db(), dag: "remote_slow")
        #expect(rows.tries == [1: "failed", 2: "success"])
        #expect(rows.noOverlap)
        #expect(try c.remoteRows("remote_slow").first?.state == "lost")
        if rows.intervals.count == 2 {
            print(String(format: "FIGURES sigstop: %d processes frozen, lease lost %.2f s after the freeze, try 2 %.2f-%.2f s, late result refused",
                         frozen.count, rows.intervals[0].1 - frozenAt, rows.intervals[1].0 - frozenAt, rows.intervals[1].1 - frozenAt))
        }
        #expect(try c.db().queryOne("SELECT state FROM dag_run WHERE dag_id = 'remote_slow'")?["state"].string == "success")
    }

    @Test func aServerRestartDoesNotLoseARunningRemoteAttempt() throws {
        let c = try RemoteCluster(leaseTimeout: 15)
        defer { c.stopAll() }
        let a = try c.startWorker("wa", slots: 1)
        try c.trigger("remote_slow")
        #expect(try c.sandbox.waitFor(60) { try c.remoteRows("remote_slow").first?.acknowledged == true })
        let stoppedAt = Date().timeIntervalSince1970
        let downFor = 2.0
        try c.restartServer(downFor: downFor)
        let restartedAt = Date().timeIntervalSince1970
        // The worker kept the attempt running, reconnected and reported it: try 1 counts, nothing was retried.
        #expect(try c.waitForRun("remote_slow") == "success")
        let rows = RunRowsOf(try c.db(), dag: "remote_slow")
        #expect(rows.tries == [1: "success"], "errors: \(rows.errors)\nworker:\n\(a.stderr)\nserver:\n\(c.server.stderr)")
        // Begun before the stop, ended as the restarted server recorded it: no server ran between `stoppedAt` and
        // `stoppedAt + downFor`. (Not "after `restartedAt`": that is taken once this test has seen the new server's
        // start line, and a 4 s task that ended while the server was down is reported the moment it answers, which
        // can be a few milliseconds before.)
        #expect(rows.intervals.first.map { $0.0 < stoppedAt && $0.1 > stoppedAt + downFor } == true)
        #expect(try c.remoteRows("remote_slow").map(\.state) == ["completed"])
        #expect(a.process.isRunning)
        // The restart may come while the worker fetches the bundle (503 "stopping", then no answer): asked again.
        let refetches = a.stderr.components(separatedBy: "bundle not fetched").count - 1
        print(String(format: "FIGURES restart: server down %.1f s (stop to answering again), attempt reported %.2f s after it answered, bundle asked again %d time(s)",
                     restartedAt - stoppedAt, (rows.intervals.first?.1 ?? 0) - restartedAt, refetches))
    }

    @Test func aWorkerTokenMayLeaseAndReportOnlyAndAStaleFencingTokenIsRefused() throws {
        let c = try RemoteCluster(leaseTimeout: 15)
        defer { c.stopAll() }
        let worker = try c.sandbox.run("tokens", "create", "--role", "worker", "--name", "w").stdout
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let op = try c.sandbox.run("tokens", "create", "--role", "operator", "--name", "op").stdout
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let lease = #"{"queues":["nothing"],"slots":1,"worker":"t","wait":0}"#
        // A worker token changes nothing else; other roles but admin may not lease.
        #expect(curl(c.url + "/api/v1/dags/remote_slow/runs", token: worker, body: "{}") == 403)
        #expect(curl(c.url + "/api/v1/worker/lease", token: op, body: lease) == 403)
        #expect(curl(c.url + "/api/v1/worker/lease", token: worker, body: lease) == 204)
        // A fencing token that is no lease's: 409 on every call that presents it.
        for call in ["heartbeat", "complete"] {
            #expect(curl(c.url + "/api/v1/worker/attempts/1/\(call)", token: worker, body: #"{"outcome":{"success":{}}}"#,
                         lease: "1.1.not-the-secret") == 409)
        }
        #expect(curl(c.url + "/api/v1/worker/bundles/" + String(repeating: "0", count: 64), token: worker) == 404)
    }
}

/// The HTTP status of a request made with curl (POST when `body` is given).
func curl(_ url: String, token: String, body: String? = nil, lease: String? = nil) -> Int {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
    var args = ["-s", "-o", "/dev/null", "-w", "%{http_code}", "-m", "30", "-H", "Authorization: Bearer \(token)"]
    if let lease { args += ["-H", "Orch-Lease: \(lease)"] }
    if let body { args += ["-X", "POST", "-H", "Content-Type: application/json", "--data", body] }
    p.arguments = args + [url]
    let out = Pipe()
    p.standardOutput = out
    guard (try? p.run()) != nil else { return -1 }
    p.waitUntilExit()
    return Int(String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)) ?? -1
}

/// The attempts of a DAG's latest run: state and error per try, and whether their recorded intervals overlap.
struct RunRowsOf {
    var tries: [Int: String] = [:]
    var errors: [Int: String] = [:]
    var intervals: [(Double, Double)] = []

    init(_ db: SQLiteConnection, dag: String) {
        let rows = (try? db.query("""
            SELECT a.try_number, a.state, a.error, a.start_date, a.end_date FROM task_attempt a
            JOIN dag_run r ON r.id = a.run_pk WHERE r.dag_id = ? AND r.id = (SELECT max(id) FROM dag_run WHERE dag_id = ?)
            ORDER BY a.try_number
            """, [dag, dag])) ?? []
        for r in rows {
            let n = r["try_number"].int ?? 0
            tries[n] = r["state"].string
            errors[n] = r["error"].string
            intervals.append((r["start_date"].double ?? 0, r["end_date"].double ?? .infinity))
        }
    }

    /// Each try ended before the next began.
    var noOverlap: Bool { zip(intervals, intervals.dropFirst()).allSatisfy { $0.1 <= $1.0 } }
}
